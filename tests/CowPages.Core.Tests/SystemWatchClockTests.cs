using System;
using System.Threading;
using System.Threading.Tasks;
using CowPages.Watch;
using Xunit;

namespace CowPages.Core.Tests;

/// <summary>The real clock's wait: it must end when its time comes, and at once when the watch is cancelled.</summary>
public class SystemWatchClockTests
{
    [Fact]
    public void WaitsUntilTheTimeHasCome()
    {
        var clock = new SystemWatchClock();
        TimeSpan until = clock.Elapsed + TimeSpan.FromMilliseconds(50);
        Assert.True(clock.WaitUntil(until, CancellationToken.None));
        Assert.True(clock.Elapsed >= until);
        // A time already past returns at once.
        Assert.True(clock.WaitUntil(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task ACancellationEndsAWaitLongBeforeItsTime()
    {
        var clock = new SystemWatchClock();
        using var cancel = new CancellationTokenSource();
        Task<bool> wait = Task.Run(() => clock.WaitUntil(TimeSpan.FromMinutes(10), cancel.Token));
        await Task.Delay(100);
        cancel.Cancel();
        Task first = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromMinutes(5)));
        Assert.Same(wait, first);
        Assert.False(await wait);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void TimestampsStartAtTheWallTimeAndMoveWithTheMonotonicClock()
    {
        DateTimeOffset before = DateTimeOffset.Now;
        var clock = new SystemWatchClock();
        DateTimeOffset first = clock.Now;
        Thread.Sleep(20);
        DateTimeOffset second = clock.Now;
        Assert.InRange(first, before, DateTimeOffset.Now);
        Assert.True(second - first >= TimeSpan.FromMilliseconds(20));
    }
}
