using System;
using System.Diagnostics;

namespace CowPages.Reporting;

/// <summary>
/// Decides when progress is worth showing: never in a command's first half second (short scans stay silent), then at
/// most five times a second (a host redraws a bar in about a millisecond, and a scan reports per chunk). The clock
/// runs for the whole command, so that a sweep over many small processes shows progress once it has taken long.
/// </summary>
public sealed class ProgressThrottle
{
    public const long QuietMilliseconds = 500;
    public const long IntervalMilliseconds = 200;

    private readonly Func<long> _clock;
    private long _lastShown = long.MinValue;

    /// <param name="clock">Milliseconds since the command began; null for a real stopwatch started now.</param>
    public ProgressThrottle(Func<long>? clock = null)
    {
        if (clock is null)
        {
            Stopwatch watch = Stopwatch.StartNew();
            clock = () => watch.ElapsedMilliseconds;
        }
        _clock = clock;
    }

    /// <summary>True when an update may be shown now; it then counts as shown.</summary>
    public bool TryShow()
    {
        long now = _clock();
        if (now < QuietMilliseconds || (_lastShown != long.MinValue && now - _lastShown < IntervalMilliseconds))
        {
            return false;
        }
        _lastShown = now;
        return true;
    }
}
