using System;

namespace CowPages.Watch;

/// <summary>
/// When a watch's ticks are due: tick slot n at n × interval from the start. A tick that runs past the next slot
/// delays only the tick after it, which starts at once in the latest slot that has passed; the slots in between are
/// left out, so lateness is reported but never accumulates.
/// </summary>
public sealed class TickSchedule
{
    private readonly TimeSpan _interval;
    private readonly TimeSpan? _duration;

    /// <exception cref="ArgumentOutOfRangeException">The interval or the duration is not positive.</exception>
    public TickSchedule(TimeSpan interval, TimeSpan? duration)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive.");
        }
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "The duration must be positive.");
        }
        _interval = interval;
        _duration = duration;
    }

    /// <summary>The slot of the current tick: 0 for the first.</summary>
    public long Slot { get; private set; }

    /// <summary>When the current tick is due, from the start of the watch.</summary>
    public TimeSpan Due => _interval * Slot;

    /// <summary>Slots left out before the current tick, because the tick before it ran past them.</summary>
    public long Skipped { get; private set; }

    /// <summary>
    /// Moves to the slot of the next tick, given that the current one finished at <paramref name="now"/>: the next
    /// slot, or the latest slot that has already passed. False when that slot lies past the duration: the watch ends.
    /// </summary>
    public bool Advance(TimeSpan now)
    {
        long next = Slot + 1;
        long passed = now.Ticks / _interval.Ticks;
        Skipped = Math.Max(0, passed - next);
        Slot = Math.Max(next, passed);
        return _duration is not TimeSpan limit || Due <= limit;
    }
}
