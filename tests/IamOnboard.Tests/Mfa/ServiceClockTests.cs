using System;
using IamOnboard.AwsSdk;
using Xunit;

namespace IamOnboard.Tests.Mfa;

public class ServiceClockTests
{
    private static readonly DateTime Machine = new(2026, 12, 7, 9, 0, 0, 250, DateTimeKind.Utc);

    [Fact]
    public void Until_an_answer_tells_it_there_is_no_offset_and_the_time_is_the_machines()
    {
        var clock = new ServiceClock(() => Machine);
        clock.Record(Machine, Machine.AddMilliseconds(100), null);
        clock.Record(Machine, Machine.AddMilliseconds(100), "not a date");

        Assert.Null(clock.Latest);
        Assert.Null(clock.Offset);
        Assert.Equal(Machine, clock.UtcNow.UtcDateTime);
    }

    [Fact]
    public void An_answers_Date_against_the_middle_of_the_round_trip_gives_the_offset_and_the_services_time()
    {
        var clock = new ServiceClock(() => Machine);
        // Sent at 09:00:00.250, answered at 09:00:01.250: the middle is 09:00:00.750; the service wrote 09:03:00.x.
        clock.Record(Machine, Machine.AddSeconds(1), "Mon, 07 Dec 2026 09:03:00 GMT");

        Assert.Equal(TimeSpan.FromMinutes(3) - TimeSpan.FromMilliseconds(250), clock.Offset);
        Assert.Equal(Machine + clock.Offset!.Value, clock.UtcNow.UtcDateTime);
        Assert.Equal(new DateTime(2026, 12, 7, 9, 3, 0, DateTimeKind.Utc), clock.Latest!.ServiceDateUtc);
    }

    [Fact]
    public void A_difference_a_Date_header_cannot_tell_is_no_offset_and_a_slow_answer_is_not_used()
    {
        var clock = new ServiceClock(() => Machine);
        clock.Record(Machine, Machine.AddMilliseconds(100), "Mon, 07 Dec 2026 09:00:01 GMT");
        Assert.NotNull(clock.Latest);
        Assert.Null(clock.Offset);

        clock.Record(Machine, Machine + ServiceClock.MaxRoundTrip + TimeSpan.FromSeconds(1), "Mon, 07 Dec 2026 10:00:00 GMT");
        Assert.Null(clock.Offset);
    }

    [Theory]
    [InlineData(180, "3 min behind")]
    [InlineData(-185, "3 min 5 s ahead of")]
    [InlineData(3661, "1 h 1 min 1 s behind")]
    [InlineData(3600, "1 h behind")]
    [InlineData(-7, "7 s ahead of")]
    public void Describe_says_how_the_machines_clock_stands_to_the_services(int serviceAheadSeconds, string expected)
        => Assert.Equal(expected, ServiceClock.Describe(TimeSpan.FromSeconds(serviceAheadSeconds)));
}
