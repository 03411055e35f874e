using System.Collections.Generic;
using IamOnboard.Input;
using Xunit;

namespace IamOnboard.Tests.Input;

public class FlexibleBooleanTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData(" Yes ", true)]
    [InlineData("y", true)]
    [InlineData("1", true)]
    [InlineData("On", true)]
    [InlineData("false", false)]
    [InlineData("No", false)]
    [InlineData("N", false)]
    [InlineData("0", false)]
    [InlineData("off", false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData(null, false)]
    public void Recognised_words_parse(string? text, bool expected)
    {
        Assert.True(FlexibleBoolean.TryParse(text, out bool value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    [InlineData("yess")]
    [InlineData("t")]
    public void Anything_else_is_refused(string text)
    {
        Assert.False(FlexibleBoolean.TryParse(text, out bool value));
        Assert.False(value);
    }
}

public class ListTextTests
{
    [Fact]
    public void Splits_on_semicolons_trims_and_drops_empties() =>
        Assert.Equal(new[] { "Developers", "arn:aws:iam::aws:policy/ReadOnlyAccess", "a,b" },
            ListText.Split(" Developers ;; arn:aws:iam::aws:policy/ReadOnlyAccess;a,b; "));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ; ; ")]
    public void Nothing_gives_an_empty_list(string? text) => Assert.Empty(ListText.Split(text));
}

public class TagTextTests
{
    private static KeyValuePair<string, string> Tag(string key, string value) => new(key, value);

    [Fact]
    public void Reads_key_value_pairs()
    {
        Assert.True(TagText.TryParse("Department=Finance; cost center = 12,34 ;empty=;formula=a=b", out var tags, out string? error));

        Assert.Null(error);
        Assert.Equal(new[] { Tag("Department", "Finance"), Tag("cost center", "12,34"), Tag("empty", ""), Tag("formula", "a=b") }, tags);
    }

    [Theory]
    [InlineData("Key=team,Value=data")]
    [InlineData("Value=data,Key=team")]
    [InlineData("Key=team, Value=data ")]
    public void Reads_the_AWS_CLI_shorthand_for_one_tag(string text)
    {
        // As pasted from `aws iam create-user --tags Key=team,Value=data`; IAM allows no comma in a tag value, so this
        // is never the tag "Key" with the value "team,Value=data".
        Assert.True(TagText.TryParse(text, out var tags, out string? error));

        Assert.Null(error);
        Assert.Equal(new[] { Tag("team", "data") }, tags);
    }

    [Fact]
    public void Reads_the_AWS_CLI_shorthand_for_several_tags_beside_key_value_pairs()
    {
        Assert.True(TagText.TryParse("Key=team,Value=data Key=cost-center,Value=1001;owner=ana;Key=empty,Value=", out var tags, out string? error));

        Assert.Null(error);
        Assert.Equal(new[] { Tag("team", "data"), Tag("cost-center", "1001"), Tag("owner", "ana"), Tag("empty", "") }, tags);
    }

    [Theory]
    [InlineData("Key=team,Value=data Key=,Value=1", "'Key=,Value=1'")]
    [InlineData("Key=team,Val=data", "'Key=team,Val=data'")]
    public void A_CLI_shorthand_tag_without_its_key_or_value_is_an_error_naming_it(string text, string namedPiece)
    {
        Assert.False(TagText.TryParse(text, out var tags, out string? error));
        Assert.Empty(tags);
        Assert.Contains(namedPiece, error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void No_text_is_no_tags(string? text)
    {
        Assert.True(TagText.TryParse(text, out var tags, out _));
        Assert.Empty(tags);
    }

    [Theory]
    [InlineData("a=1;=orphan", "'=orphan'")]
    [InlineData("a=1; =orphan", "'=orphan'")]
    [InlineData("a=1;justakey", "'justakey'")]
    public void A_piece_without_a_key_is_an_error_naming_it(string text, string namedPiece)
    {
        Assert.False(TagText.TryParse(text, out var tags, out string? error));
        Assert.Empty(tags);
        Assert.Contains(namedPiece, error);
    }
}
