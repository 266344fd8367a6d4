using System;
using System.Collections.Generic;
using CowPages.Sources;

namespace CowPages.Watch;

/// <summary>
/// One child's series of samples: its open process (pagemap and maps handles kept across ticks), its start time,
/// which tells a PID reused by a new process apart, and each mapping's previous sample, for the rate.
/// </summary>
internal sealed class ChildSeries : IDisposable
{
    private readonly Dictionary<string, (ulong CopiedBytes, TimeSpan At)> _previous = new(StringComparer.Ordinal);

    public ChildSeries(IProcessSource process, TimeSpan startTime)
    {
        Process = process;
        StartTime = startTime;
    }

    public IProcessSource Process { get; }

    public int ProcessId => Process.ProcessId;

    /// <summary>When the child started, as time since boot.</summary>
    public TimeSpan StartTime { get; }

    /// <summary>An error was reported for this child; it is not sampled again.</summary>
    public bool Failed { get; set; }

    /// <summary>Ranges changing under a comparison were reported once; a busy child changes some every tick.</summary>
    public bool ChangesNoticed { get; set; }

    /// <summary>
    /// Bytes per second by which <paramref name="key"/>'s copies grew since its previous sample, null for its first
    /// (or one taken at the same instant); records this sample as the previous one.
    /// </summary>
    public double? RateOf(string key, ulong copiedBytes, TimeSpan at)
    {
        double? rate = null;
        if (_previous.TryGetValue(key, out (ulong CopiedBytes, TimeSpan At) last) && at > last.At)
        {
            rate = ((double)copiedBytes - last.CopiedBytes) / (at - last.At).TotalSeconds;
        }
        _previous[key] = (copiedBytes, at);
        return rate;
    }

    public void Dispose() => Process.Dispose();
}
