using System.Collections.Generic;
using System.Management.Automation;
using CowPages.Reporting;

namespace CowPages;

/// <summary>
/// Shows what the core reports while a cmdlet runs: progress through a <see cref="ProgressReporter"/> per item, paced
/// by one throttle for the whole command, and notices as warnings, each kind once per command unless it concerns
/// every process.
/// </summary>
internal sealed class CmdletScanObserver : IScanObserver
{
    private readonly Cmdlet _cmdlet;
    private readonly int _activityId;
    private readonly HashSet<ScanNoticeKind> _warned = new();
    private readonly ProgressThrottle _throttle = new();
    private ProgressReporter? _progress;

    internal CmdletScanObserver(Cmdlet cmdlet, int activityId)
    {
        _cmdlet = cmdlet;
        _activityId = activityId;
    }

    /// <summary>Starts a progress bar for one item (a process, a PFN range); the previous one is completed first.</summary>
    internal void Start(string activity)
    {
        _progress?.Complete();
        _progress = new ProgressReporter(_cmdlet, _throttle, _activityId, activity);
    }

    internal void Complete()
    {
        _progress?.Complete();
        _progress = null;
    }

    public void Progress(in ScanProgress progress) =>
        _progress?.Report(progress.Done, progress.Total, Describe, progress);

    public void Notice(ScanNotice notice)
    {
        if (notice.OncePerCommand && !_warned.Add(notice.Kind))
        {
            return;
        }
        _cmdlet.WriteWarning(notice.Message);
    }

    private static string Describe(ScanProgress progress) => progress.Mapping is MemoryMapping mapping
        ? $"{progress.Done} of {progress.Total} pages: {mapping.Name} (0x{progress.Position:x})"
        : $"{progress.Done} of {progress.Total}: 0x{progress.Position:x}";
}
