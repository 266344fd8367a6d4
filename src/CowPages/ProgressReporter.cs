using System;
using System.Management.Automation;
using CowPages.Reporting;

namespace CowPages;

/// <summary>
/// Write-Progress for one item of a command (a process, a range of frames), paced by the command's
/// <see cref="ProgressThrottle"/>, and always completed if it was shown, so that no bar is left behind. The status
/// text is made only when it is shown.
/// </summary>
internal sealed class ProgressReporter
{
    private readonly Cmdlet _cmdlet;
    private readonly ProgressThrottle _throttle;
    private readonly int _activityId;
    private readonly string _activity;
    private string _status = "Starting";
    private int _percent;
    private bool _shown;

    internal ProgressReporter(Cmdlet cmdlet, ProgressThrottle throttle, int activityId, string activity)
    {
        _cmdlet = cmdlet;
        _throttle = throttle;
        _activityId = activityId;
        _activity = activity;
    }

    internal void Report<TState>(ulong done, ulong total, Func<TState, string> status, TState state)
    {
        if (!_throttle.TryShow())
        {
            return;
        }
        _shown = true;
        _status = status(state);
        _percent = total == 0 ? 0 : (int)Math.Min(100, done * 100 / total);
        _cmdlet.WriteProgress(Record(ProgressRecordType.Processing));
    }

    internal void Complete()
    {
        if (!_shown)
        {
            return;
        }
        _shown = false;
        try
        {
            _cmdlet.WriteProgress(Record(ProgressRecordType.Completed));
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: the host clears progress itself.
        }
    }

    // A new record each time: a host or a stream may keep the record it was given, which must not change afterwards.
    private ProgressRecord Record(ProgressRecordType type) => new(_activityId, _activity, _status)
    {
        PercentComplete = _percent,
        RecordType = type,
    };
}
