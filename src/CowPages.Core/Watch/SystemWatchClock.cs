using System;
using System.Diagnostics;
using System.Threading;

namespace CowPages.Watch;

/// <summary>
/// The real clock. Timestamps are the start's wall time plus the monotonic time since, so that a series stays in
/// order and evenly spaced even if the system clock is stepped during the watch.
/// </summary>
public sealed class SystemWatchClock : IWatchClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly DateTimeOffset _origin = DateTimeOffset.Now;

    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    public TimeSpan Elapsed => _watch.Elapsed;

    public DateTimeOffset Now => _origin + _watch.Elapsed;

    public bool WaitUntil(TimeSpan until, CancellationToken cancel)
    {
        while (true)
        {
            TimeSpan remaining = until - _watch.Elapsed;
            if (cancel.IsCancellationRequested)
            {
                return false;
            }
            if (remaining <= TimeSpan.Zero)
            {
                return true;
            }
            // The token's handle wakes the wait the moment Ctrl+C cancels it; a timed-out wait may end a little early,
            // hence the loop.
            // A day at most per wait: WaitOne takes no more than int.MaxValue milliseconds (24.8 days).
            if (cancel.WaitHandle.WaitOne(remaining < MaxWait ? remaining : MaxWait))
            {
                return false;
            }
        }
    }
}
