using System;
using System.Collections.Generic;
using System.Management.Automation;
using CowPages.Flags;
using CowPages.Walk;

namespace CowPages.Commands;

[Cmdlet(VerbsDiagnostic.Measure, "PageFlags", DefaultParameterSetName = PhysicalSet)]
[OutputType(typeof(PageFlagsCount))]
public sealed class MeasurePageFlagsCommand : ProcessTargetCmdlet
{
    private const string PhysicalSet = "Physical";

    private FlagsMeter? _meter;

    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MappingNameCompleter))]
    public string[]? Mapping { get; set; }

    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
    public ulong Address { get; set; }

    /// <summary>Pages from -Address for a process; frames from -Pfn for physical memory.</summary>
    [Parameter]
    public ulong Count { get; set; }

    [Parameter(ParameterSetName = PhysicalSet)]
    public ulong Pfn { get; set; }

    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
    public SwitchParameter ByMapping { get; set; }

    protected override int ProgressId => 0x43500005;

    protected override void BeginProcessing()
    {
        try
        {
            _meter = FlagsMeter.Open(Source);
        }
        catch (ProcfsException e)
        {
            ThrowTerminatingError(ErrorHelper.FromProcfs(e, e.Path));
        }
        if (ParameterSetName != PhysicalSet && !Source.FramesVisible)
        {
            // Root without CAP_SYS_ADMIN can open kpageflags, but every PFN in a pagemap reads as 0.
            ThrowTerminatingError(ErrorHelper.FromProcfs(new ProcfsException(ProcfsErrorKind.AccessDenied, "/proc/PID/pagemap", null, null,
                "Measure-PageFlags -Id needs CAP_SYS_ADMIN: without it the kernel hides the PFNs in /proc/PID/pagemap, so no page's " +
                "frame can be looked up in /proc/kpageflags. Run as root with full capabilities."), "/proc/PID/pagemap"));
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PhysicalSet)
        {
            MeasurePhysical();
            return;
        }
        base.ProcessRecord();
    }

    protected override string Activity(int processId) => $"Counting the page flags of process {processId}";

    protected override IEnumerable<object> ProcessTarget(int processId) =>
        CreateSelection(Mapping, nameof(Address), Address, nameof(Count), Count, processId) is PageSelection selection
            ? _meter!.MeasureProcess(processId, selection, ByMapping, Observer, CancelToken)
            : Array.Empty<object>();

    private void MeasurePhysical()
    {
        bool counted = MyInvocation.BoundParameters.ContainsKey(nameof(Count));
        if (counted && (Count == 0 || Count > ulong.MaxValue - Pfn))
        {
            WriteError(ErrorHelper.InvalidRange(new ArgumentOutOfRangeException(nameof(Count), Count,
                $"-Count must be at least 1 and must not run past PFN 0x{ulong.MaxValue:x} from 0x{Pfn:x}."), Pfn));
            return;
        }
        Observer.Start($"Counting the page flags of {_meter!.FlagsPath}");
        try
        {
            bool any = false;
            foreach (PageFlagsCount row in _meter.MeasureFrames(MyInvocation.BoundParameters.ContainsKey(nameof(Pfn)) ? Pfn : null, counted ? Count : null, Observer, CancelToken))
            {
                any = true;
                WriteObject(row);
            }
            if (!any)
            {
                WriteError(ErrorHelper.PfnNotFound(Pfn, _meter.FlagsPath));
            }
        }
        catch (ProcfsException e)
        {
            WriteProcfsError(e, Pfn);
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
        }
        finally
        {
            Observer.Complete();
        }
    }

    protected override void ReleaseResources() => _meter?.Dispose();
}
