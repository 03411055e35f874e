using System;
using System.Linq;
using IamOnboard.Iam;
using IamOnboard.Onboarding;
using IamOnboard.Rules;
using Xunit;

namespace IamOnboard.Tests.Onboarding;

public class HandOffMarkTests
{
    private static IamAccessKeyMetadata Key(string id) => new("ana", id, IamAccessKeyStatus.Active, DateTime.UtcNow);

    [Fact]
    public void RoundTripsThroughATagThatIamAccepts()
    {
        var mark = new HandOffMark(password: true, accessKey: true, new[] { "AKIAKEPT000000000002", "AKIAKEPT000000000001" });
        var tag = mark.ToTag();

        Assert.Equal("iamonboard:handoff", tag.Key);
        Assert.Equal("password access-key kept=AKIAKEPT000000000001 kept=AKIAKEPT000000000002", tag.Value);
        Assert.Empty(IamNameRules.CheckUserTags(new[] { new System.Collections.Generic.KeyValuePair<string, string>(tag.Key, tag.Value) }));

        var read = HandOffMark.Find(new[] { new IamTag("team", "a"), new IamTag("IamOnboard:HandOff", tag.Value) });
        Assert.NotNull(read);
        Assert.True(read!.Password);
        Assert.True(read.AccessKey);
        Assert.True(read.Covers(mark) && mark.Covers(read));
    }

    [Fact]
    public void IsAbsentFromOrdinaryTags() =>
        Assert.Null(HandOffMark.Find(new[] { new IamTag("team", "password access-key") }));

    [Fact]
    public void TheUnclaimedKeysAreThoseMadeAfterTheMark()
    {
        var mark = new HandOffMark(password: false, accessKey: true, new[] { "AKIAKEPT000000000001" });
        var unclaimed = mark.UnclaimedKeys(new[] { Key("AKIAKEPT000000000001"), Key("AKIANEW0000000000001") });
        Assert.Equal(new[] { "AKIANEW0000000000001" }, unclaimed.Select(k => k.AccessKeyId));
    }

    [Fact]
    public void NoKeyIsUnclaimedWhenNoKeyWasPending()
    {
        var mark = new HandOffMark(password: true, accessKey: false, Array.Empty<string>());
        Assert.Empty(mark.UnclaimedKeys(new[] { Key("AKIAANY00000000000001") }));
    }

    [Fact]
    public void CoversOnlyWhatItSays()
    {
        var passwordOnly = new HandOffMark(true, false, Array.Empty<string>());
        var both = new HandOffMark(true, true, Array.Empty<string>());
        var otherKept = new HandOffMark(true, true, new[] { "AKIAKEPT000000000001" });
        Assert.True(both.Covers(passwordOnly));
        Assert.False(passwordOnly.Covers(both));
        Assert.False(both.Covers(otherKept));
    }
}
