using System.Management.Automation;
using CowPages.Analysis;

namespace CowPages.Commands;

[Cmdlet(VerbsCommon.Get, "CowSummary", DefaultParameterSetName = IdSet)]
[OutputType(typeof(CowSummary))]
public sealed class GetCowSummaryCommand : ProcessTargetCmdlet
{
    private const int ProgressId = 0x43500004;

    private CowSummarizer? _summarizer;
    private bool _warnedApproximate;

    [Parameter]
    public SwitchParameter ByMapping { get; set; }

    /// <summary>Pfn (exact, root) or ExclusiveBit (pagemap bits and the kernel's smaps); unset picks the best the privileges allow.</summary>
    [Parameter]
    public CowMethod Method { get; set; }

    protected override void BeginProcessing()
    {
        bool chosen = MyInvocation.BoundParameters.ContainsKey(nameof(Method));
        // Asking for ExclusiveBit is asking for its approximations: no need to warn about them.
        _warnedApproximate = chosen && Method == CowMethod.ExclusiveBit;
        try
        {
            _summarizer = CowSummarizer.Create(chosen ? Method : null);
        }
        catch (ProcfsException e)
        {
            ThrowTerminatingError(ErrorHelper.FromProcfs(e, e.Path));
        }
    }

    protected override void ProcessTarget(int processId)
    {
        var progress = new ProgressReporter(this, ProgressId, $"Summarising /proc/{processId}/pagemap");
        try
        {
            foreach (CowSummary summary in _summarizer!.Summarize(processId, ByMapping, CancelToken,
                (done, total) => progress.Report(done, total, $"{done} of {total} pages")))
            {
                if (summary.Method == CowMethod.ExclusiveBit && !_warnedApproximate)
                {
                    _warnedApproximate = true;
                    WriteWarning("Without CAP_SYS_ADMIN the kpage* files are closed, so CowShared and CowPrivate come from the pagemap's " +
                        "exclusive bit (Method ExclusiveBit), Pss and LargeFolio from the kernel's smaps, and KSM and zero pages " +
                        "cannot be recognised. Run as root for exact results.");
                }
                WriteObject(summary);
            }
            WarnChangedRanges(processId, _summarizer.LastChangedRanges);
        }
        finally
        {
            progress.Complete();
        }
    }

    protected override void ReleaseResources() => _summarizer?.Dispose();
}
