using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using CowPages.Map;
using CowPages.Report;
using CowPages.Snapshots;
using CowPages.Walk;

namespace CowPages.Commands;

/// <summary>
/// Writes one self-contained HTML file from what it is given: comparisons of -DifferenceId processes or of
/// ForkComparison/ForkPage objects (map and table), CowSummary objects (bar chart) and ForkSample objects (time chart).
/// </summary>
[Cmdlet(VerbsData.Export, "CowReport", DefaultParameterSetName = ReportSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCowReportCommand : SnapshotReaderCmdlet
{
    private const string ReportSet = "Report";
    private const string Accepted = "ForkComparison or ForkPage objects (Compare-ForkPages), CowSummary objects (Get-CowSummary) " +
        "or ForkSample objects (Watch-ForkPages)";

    private readonly ForkInputs _forks = new();
    private readonly List<CowSummary> _summaries = new();
    private readonly List<ReportSample> _samples = new();

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ReportSet)]
    public string Path { get; set; } = "";

    [Parameter(ValueFromPipeline = true, ParameterSetName = ReportSet)]
    public PSObject? InputObject { get; set; }

    [Parameter(ParameterSetName = ReportSet)]
    [Alias("Id", "ProcessId", "PID")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int[]? DifferenceId { get; set; }

    [Parameter(ParameterSetName = ReportSet)]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int ReferenceId { get; set; }

    [Parameter(ParameterSetName = ReportSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MappingNameCompleter))]
    public string[]? Mapping { get; set; }

    [Parameter(ParameterSetName = ReportSet)]
    public string Title { get; set; } = "CowPages report";

    [Parameter(ParameterSetName = ReportSet)]
    public SwitchParameter PassThru { get; set; }

    protected override int ProgressId => 0x43500006;

    protected override void ProcessRecord()
    {
        if (InputObject?.BaseObject is not object input)
        {
            return;
        }
        if (_forks.TryAdd(input))
        {
            return;
        }
        if (input is CowSummary summary)
        {
            _summaries.Add(summary);
            return;
        }
        try
        {
            if (SampleInput.From(InputObject) is ReportSample sample)
            {
                _samples.Add(sample);
                return;
            }
        }
        catch (PSInvalidCastException)
        {
        }
        WriteError(ErrorHelper.InvalidInputObject(InputObject, "Export-CowReport", Accepted));
    }

    protected override void EndProcessing()
    {
        // A snapshot's report is of the moment it was captured, on its host, not of the moment it is read.
        DateTimeOffset when = Source is SnapshotSource snapshot ? snapshot.CapturedAt : DateTimeOffset.Now;
        var report = new HtmlReport(new ReportFacts(Title, Source.Kernel.HostName, Source.Kernel.Release, when,
            $"CowPages {MyInvocation.MyCommand.Module?.Version}"));
        if (DifferenceId is not null)
        {
            ForEachProcess(DifferenceId, id => $"Mapping process {id} against its reference", id => MapProcess(report, id));
        }
        if (CancelToken.IsCancellationRequested)
        {
            return;
        }
        try
        {
            foreach ((CowMap map, IReadOnlyList<ForkComparison>? comparisons) in _forks.Maps(Source, MapShape.Report, Observer, WriteWarning, CancelToken))
            {
                report.AddComparison(map, comparisons?.Select(RangeRow.From).ToList());
            }
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            // Ctrl+C: no report is written.
            return;
        }
        report.AddSummaries(_summaries);
        report.AddSamples(_samples);
        if (report.IsEmpty)
        {
            WriteWarning("Export-CowReport was given nothing to report: pass -DifferenceId, or pipe in comparisons, summaries or samples.");
        }
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
            report.Write(writer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            ThrowTerminatingError(ErrorHelper.ReportNotWritten(e, path));
        }
        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }

    /// <summary>Adds one process's comparison to the report; it writes nothing to the pipeline, ForEachProcess only reports its errors.</summary>
    private IEnumerable<object> MapProcess(HtmlReport report, int differenceId)
    {
        var selection = new PageSelection(MappingFilter.From(Mapping), null, null);
        int? referenceId = MyInvocation.BoundParameters.ContainsKey(nameof(ReferenceId)) ? ReferenceId : null;
        report.AddComparison(ForkMapAnalysis.Map(Source, differenceId, referenceId, selection, MapShape.Report, Observer, CancelToken));
        return Array.Empty<object>();
    }
}
