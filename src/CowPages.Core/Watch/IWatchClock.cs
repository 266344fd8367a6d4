using System;
using System.Threading;

namespace CowPages.Watch;

/// <summary>
/// A watch's sense of time: a monotonic clock for the schedule and the rates, the wall clock for timestamps, and a
/// wait that ends as soon as the watch is cancelled. Tests drive a watch with a clock of their own.
/// </summary>
public interface IWatchClock
{
    /// <summary>Time since the clock started, never going back.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>The wall-clock time now.</summary>
    DateTimeOffset Now { get; }

    /// <summary>
    /// Returns once <see cref="Elapsed"/> has reached <paramref name="until"/> (at once if it has), true; or as soon as
    /// <paramref name="cancel"/> is cancelled, false.
    /// </summary>
    bool WaitUntil(TimeSpan until, CancellationToken cancel);
}
