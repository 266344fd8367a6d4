using System;
using System.Collections.Generic;
using System.Management.Automation;
using CowPages.Fork;
using CowPages.Walk;

namespace CowPages.Commands;

[Cmdlet(VerbsData.Compare, "ForkPages", DefaultParameterSetName = RangeSet)]
[OutputType(typeof(ForkComparison), ParameterSetName = new[] { RangeSet })]
[OutputType(typeof(ForkPage), ParameterSetName = new[] { PerPageSet })]
public sealed class CompareForkPagesCommand : SnapshotReaderCmdlet
{
    private const string RangeSet = "Range";
    private const string PerPageSet = "PerPage";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "ProcessId", "PID")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int[] DifferenceId { get; set; } = Array.Empty<int>();

    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int ReferenceId { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MappingNameCompleter))]
    public string[]? Mapping { get; set; }

    [Parameter]
    public ulong Address { get; set; }

    [Parameter]
    public ulong Count { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PerPageSet)]
    public SwitchParameter PerPage { get; set; }

    protected override int ProgressId => 0x43500003;

    protected override void ProcessRecord() =>
        ForEachProcess(DifferenceId, id => $"Comparing process {id} with its reference", Compare);

    private IEnumerable<object> Compare(int differenceId)
    {
        if (CreateSelection(Mapping, nameof(Address), Address, nameof(Count), Count, differenceId) is not PageSelection selection)
        {
            return Array.Empty<object>();
        }
        int? referenceId = MyInvocation.BoundParameters.ContainsKey(nameof(ReferenceId)) ? ReferenceId : null;
        return PerPage
            ? ForkAnalysis.ComparePages(Source, differenceId, referenceId, selection, Observer, CancelToken)
            : ForkAnalysis.CompareRanges(Source, differenceId, referenceId, selection, Observer, CancelToken);
    }
}
