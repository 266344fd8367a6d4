using Xunit;

namespace CowPages.Core.Tests;

/// <summary>The progress pacing, on a clock the test moves by hand.</summary>
public class ProgressThrottleTests
{
    private long _now;

    private ProgressThrottle Throttle() => new(() => _now);

    [Fact]
    public void StaysSilentForTheFirstHalfSecond()
    {
        ProgressThrottle throttle = Throttle();
        for (_now = 0; _now < ProgressThrottle.QuietMilliseconds; _now += 7)
        {
            Assert.False(throttle.TryShow(), $"shown at {_now} ms");
        }
        _now = ProgressThrottle.QuietMilliseconds;
        Assert.True(throttle.TryShow());
    }

    [Fact]
    public void ShowsAtMostFiveTimesASecondAfterThat()
    {
        ProgressThrottle throttle = Throttle();
        int shown = 0;
        // Ten seconds of a scan that reports every millisecond.
        for (_now = 0; _now < 10_000; _now++)
        {
            if (throttle.TryShow())
            {
                shown++;
            }
        }
        // From 0.5 s to 10 s at one update per 200 ms: 48 (0.5, 0.7, ... 9.9).
        Assert.Equal(48, shown);
    }

    [Fact]
    public void ShowsTheNextUpdateAsSoonAsTheIntervalHasPassed()
    {
        ProgressThrottle throttle = Throttle();
        _now = 600;
        Assert.True(throttle.TryShow());
        _now = 600 + ProgressThrottle.IntervalMilliseconds - 1;
        Assert.False(throttle.TryShow());
        _now = 600 + ProgressThrottle.IntervalMilliseconds;
        Assert.True(throttle.TryShow());
    }

    [Fact]
    public void AReportAfterALongPauseIsShownAtOnce()
    {
        // A sweep over processes: the first processes are quick, a later one is slow, and is shown without a new quiet period.
        ProgressThrottle throttle = Throttle();
        _now = 100;
        Assert.False(throttle.TryShow());
        _now = 5_000;
        Assert.True(throttle.TryShow());
    }
}
