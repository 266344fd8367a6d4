using System;
using System.Diagnostics;
using System.Management.Automation;

namespace CowPages;

/// <summary>
/// Write-Progress for long scans: silent for the first half second, then at most five updates a second,
/// and always completed so that no bar is left behind. The status text is made only when it is shown.
/// </summary>
internal sealed class ProgressReporter
{
    private const long QuietMilliseconds = 500;
    private const long IntervalMilliseconds = 200;

    private readonly Cmdlet _cmdlet;
    private readonly ProgressRecord _record;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastShown = -IntervalMilliseconds;
    private bool _shown;

    internal ProgressReporter(Cmdlet cmdlet, int activityId, string activity)
    {
        _cmdlet = cmdlet;
        _record = new ProgressRecord(activityId, activity, "Starting");
    }

    internal void Report<TState>(ulong done, ulong total, Func<TState, string> status, TState state)
    {
        long now = _clock.ElapsedMilliseconds;
        if (now < QuietMilliseconds || now - _lastShown < IntervalMilliseconds)
        {
            return;
        }
        _lastShown = now;
        _shown = true;
        _record.StatusDescription = status(state);
        _record.PercentComplete = total == 0 ? 0 : (int)Math.Min(100, done * 100 / total);
        _record.RecordType = ProgressRecordType.Processing;
        _cmdlet.WriteProgress(_record);
    }

    internal void Complete()
    {
        if (!_shown)
        {
            return;
        }
        _shown = false;
        _record.RecordType = ProgressRecordType.Completed;
        try
        {
            _cmdlet.WriteProgress(_record);
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: the host clears progress itself.
        }
    }
}
