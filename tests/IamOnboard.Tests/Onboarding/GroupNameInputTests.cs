using IamOnboard.Onboarding;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

/// <summary>A group given by its ARN or its path and name, as copied from the console or Get-IAMGroup.</summary>
public class GroupNameInputTests
{
    [Theory]
    [InlineData("arn:aws:iam::123456789012:group/Developers", "GroupName: 'arn:aws:iam::123456789012:group/Developers' is a group's ARN; give the group's name alone: Developers.")]
    [InlineData("arn:aws:iam::123456789012:group/engineering/Developers", "GroupName: 'arn:aws:iam::123456789012:group/engineering/Developers' is a group's ARN; give the group's name alone: Developers.")]
    [InlineData("/engineering/Developers", "GroupName: '/engineering/Developers' is a path and a name; give the group's name alone: Developers (a group is named without its path, which New-OnboardGroup -Path sets).")]
    [InlineData("Developers, Auditors", "GroupName: 'Developers, Auditors' is 2 groups in one value: give each as its own value, as in -GroupName Developers, Auditors (in a CSV cell, separate them with ';': Developers;Auditors).")]
    public void An_ARN_a_path_or_a_list_says_what_to_give(string given, string expected) =>
        Assert.Equal(expected, Assert.Throws<OnboardInputException>(() => GroupNameInput.Check(given, "GroupName")).Message);

    [Theory]
    [InlineData("My Group")]
    [InlineData("engineering/")]
    public void Other_bad_names_keep_IAMs_words(string given) =>
        Assert.StartsWith("1 validation error detected: Value '" + given + "' at 'groupName'", Assert.Throws<OnboardInputException>(() => GroupNameInput.Check(given, "GroupName")).Message);

    [Fact]
    public void A_good_name_passes() => GroupNameInput.Check("Developers", "GroupName");
}
