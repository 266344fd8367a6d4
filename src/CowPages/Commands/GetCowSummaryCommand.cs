using System.Collections.Generic;
using System.Management.Automation;
using CowPages.Summary;

namespace CowPages.Commands;

[Cmdlet(VerbsCommon.Get, "CowSummary", DefaultParameterSetName = IdSet)]
[OutputType(typeof(CowSummary))]
public sealed class GetCowSummaryCommand : ProcessTargetCmdlet
{
    private CowSummarizer? _summarizer;

    [Parameter]
    public SwitchParameter ByMapping { get; set; }

    /// <summary>Pfn (exact, root) or ExclusiveBit (pagemap bits and the kernel's smaps); unset picks the best the privileges allow.</summary>
    [Parameter]
    public CowMethod Method { get; set; }

    protected override int ProgressId => 0x43500004;

    protected override void BeginProcessing()
    {
        try
        {
            _summarizer = CowSummarizer.Create(Source, MyInvocation.BoundParameters.ContainsKey(nameof(Method)) ? Method : null);
        }
        catch (ProcfsException e)
        {
            ThrowTerminatingError(ErrorHelper.FromProcfs(e, e.Path));
        }
    }

    protected override string Activity(int processId) => $"Summarising /proc/{processId}/pagemap";

    protected override IEnumerable<object> ProcessTarget(int processId) =>
        _summarizer!.Summarize(processId, ByMapping, Observer, CancelToken);

    protected override void ReleaseResources() => _summarizer?.Dispose();
}
