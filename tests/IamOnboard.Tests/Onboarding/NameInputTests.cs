using IamOnboard.Onboarding;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

/// <summary>A user or group given by its ARN, its path and name, or several in one value.</summary>
public class NameInputTests
{
    [Theory]
    [InlineData("arn:aws:iam::123456789012:group/Developers", "GroupName: 'arn:aws:iam::123456789012:group/Developers' is a group's ARN; give the group's name alone: Developers.")]
    [InlineData("arn:aws:iam::123456789012:group/engineering/Developers", "GroupName: 'arn:aws:iam::123456789012:group/engineering/Developers' is a group's ARN; give the group's name alone: Developers.")]
    [InlineData("/engineering/Developers", "GroupName: '/engineering/Developers' is a path and a name; give the group's name alone: Developers (a group is named without its path, which New-OnboardGroup -Path sets).")]
    [InlineData("Developers, Auditors", "GroupName: 'Developers, Auditors' is 2 groups in one value: give each as its own value, as in -GroupName Developers, Auditors (in a CSV cell, separate them with ';': Developers;Auditors).")]
    public void An_ARN_a_path_or_a_list_says_what_to_give(string given, string expected) =>
        Assert.Equal(expected, Assert.Throws<OnboardInputException>(() => NameInput.CheckGroup(given, "GroupName")).Message);

    [Theory]
    [InlineData("My Group")]
    [InlineData("engineering/")]
    public void Other_bad_names_keep_IAMs_words(string given) =>
        Assert.StartsWith("1 validation error detected: Value '" + given + "' at 'groupName'", Assert.Throws<OnboardInputException>(() => NameInput.CheckGroup(given, "GroupName")).Message);

    [Fact]
    public void A_good_name_passes() => NameInput.CheckGroup("Developers", "GroupName");

    [Theory]
    [InlineData("arn:aws:iam::123456789012:user/engineering/ana.lima", "UserName: 'arn:aws:iam::123456789012:user/engineering/ana.lima' is a user's ARN; give the user's name alone: ana.lima.")]
    [InlineData("/engineering/ana.lima", "UserName: '/engineering/ana.lima' is a path and a name; give the user's name alone: ana.lima (a user is named without its path, which New-OnboardUser -Path sets).")]
    [InlineData("ana.lima, ben.okafor", "UserName: 'ana.lima, ben.okafor' is 2 users in one value: give each as its own value, as in -UserName ana.lima, ben.okafor (in a CSV cell, separate them with ';': ana.lima;ben.okafor).")]
    public void A_user_given_by_ARN_path_or_list_says_what_to_give(string given, string expected) =>
        Assert.Equal(expected, Assert.Throws<OnboardInputException>(() => NameInput.CheckUser(given, "UserName")).Message);
}
