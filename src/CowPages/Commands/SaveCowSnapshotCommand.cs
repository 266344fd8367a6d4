using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using CowPages.Snapshots;

namespace CowPages.Commands;

[Cmdlet(VerbsData.Save, "CowSnapshot", DefaultParameterSetName = IdSet)]
[OutputType(typeof(SnapshotInfo))]
public sealed class SaveCowSnapshotCommand : ProcessTargetCmdlet
{
    private const string Family = "Family";

    private readonly List<int> _requested = new();
    private SnapshotCapture? _capture;
    private string _path = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Family: each process's descendants too, found through the PPid of every process.</summary>
    [Parameter]
    [ValidateSet(Family)]
    public string[]? Include { get; set; }

    protected override int ProgressId => 0x43500005;

    protected override string Activity(int processId) => $"Saving process {processId} to {_path}";

    /// <summary>Collects the PIDs: the capture runs once every one is known, so that -Include Family sees them all.</summary>
    protected override void ProcessRecord() => _requested.AddRange(TargetIds);

    protected override void EndProcessing()
    {
        _path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        IEnumerable<int> targets = Include?.Contains(Family, StringComparer.OrdinalIgnoreCase) == true
            ? ProcessFamily.WithDescendants(Source, _requested)
            : _requested.Distinct();
        try
        {
            _capture = SnapshotCapture.Begin(Source, _path, Observer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorHelper.SnapshotWriteFailed(e, _path));
        }
        ForEachProcess(targets, Activity, ProcessTarget);
        if (CancelToken.IsCancellationRequested)
        {
            return;
        }
        if (_capture!.ProcessIds.Count == 0)
        {
            WriteWarning($"No process could be saved, so {_path} was not written.");
            return;
        }
        try
        {
            WriteObject(_capture.Complete());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorHelper.SnapshotWriteFailed(e, _path));
        }
    }

    protected override IEnumerable<object> ProcessTarget(int processId)
    {
        try
        {
            _capture!.Add(processId, Observer, CancelToken);
        }
        catch (IOException e)
        {
            ThrowTerminatingError(ErrorHelper.SnapshotWriteFailed(e, _path));
        }
        return Array.Empty<object>();
    }

    protected override void ReleaseResources() => _capture?.Dispose();
}
