using System;
using System.Threading;
using CowPages.Watch;

namespace CowPages.Core.Tests.Synthetic;

/// <summary>
/// A clock that moves only when told: a wait jumps to its end at once, and a test lets time pass inside a tick (a
/// slow read) with <see cref="Advance"/>. <see cref="AtWait"/> runs before each wait, to change the world between ticks.
/// </summary>
internal sealed class FakeWatchClock : IWatchClock
{
    public static readonly DateTimeOffset Origin = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public TimeSpan Elapsed { get; private set; }

    public DateTimeOffset Now => Origin + Elapsed;

    /// <summary>How many waits there were, and where each was to end.</summary>
    public System.Collections.Generic.List<TimeSpan> Waits { get; } = new();

    /// <summary>Called with the end of each wait before it happens; may cancel the watch or change the source.</summary>
    public Action<TimeSpan>? AtWait { get; set; }

    public void Advance(TimeSpan by) => Elapsed += by;

    public bool WaitUntil(TimeSpan until, CancellationToken cancel)
    {
        Waits.Add(until);
        AtWait?.Invoke(until);
        if (cancel.IsCancellationRequested)
        {
            return false;
        }
        if (until > Elapsed)
        {
            Elapsed = until;
        }
        return true;
    }
}
