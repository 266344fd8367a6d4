using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using CowPages.Map;
using CowPages.Walk;

namespace CowPages.Commands;

/// <summary>
/// Draws where a child's copies sit in its address space, as lines of text: a legend, one row per range (long ranges
/// wrap), and a total line with the scale. The lines go to the pipeline, so they can be saved and searched.
/// </summary>
[Cmdlet(VerbsCommon.Show, "CowMap", DefaultParameterSetName = IdSet)]
[OutputType(typeof(string))]
public sealed class ShowCowMapCommand : SnapshotReaderCmdlet
{
    private const string IdSet = "Id";
    private const string InputObjectSet = "InputObject";
    private const string Accepted = "ForkComparison or ForkPage objects (Compare-ForkPages), process IDs or Process objects";

    /// <summary>Extra rows, beyond one per range, that long ranges may wrap onto before the cells grow.</summary>
    private const int ExtraRows = 24;

    private readonly ForkInputs _inputs = new();
    private MapTextStyle _style = MapTextStyle.Plain;
    private int _width;
    private bool _legendWritten;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet)]
    [Alias("Id", "ProcessId", "PID")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int[] DifferenceId { get; set; } = Array.Empty<int>();

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public PSObject? InputObject { get; set; }

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

    [Parameter]
    [ValidateRange(MapText.MinimumWidth, 4096)]
    public int Width { get; set; }

    [Parameter]
    [ValidateRange(PageGeometry.PageSize, 1UL << 50)]
    public ulong CellSize { get; set; }

    [Parameter]
    public SwitchParameter NoColor { get; set; }

    protected override int ProgressId => 0x43500005;

    private MapShape Shape => new(MapText.CellsPerRow(_width), ExtraRows,
        MyInvocation.BoundParameters.ContainsKey(nameof(CellSize)) ? (CellSize + PageGeometry.PageSize - 1) / PageGeometry.PageSize : null);

    protected override void BeginProcessing()
    {
        _style = TerminalColours.Choose(this, NoColor);
        _width = MyInvocation.BoundParameters.ContainsKey(nameof(Width)) ? Width : Math.Max(MapText.MinimumWidth, ConsoleWidth.Of(Host));
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            ForEachProcess(DifferenceId, Activity, Draw);
            return;
        }
        object? input = InputObject?.BaseObject;
        switch (input)
        {
            case Process process:
                ForEachProcess(new[] { process.Id }, Activity, Draw);
                break;
            case int or long or uint or short:
                ForEachProcess(new[] { Convert.ToInt32(input, System.Globalization.CultureInfo.InvariantCulture) }, Activity, Draw);
                break;
            default:
                if (input is null || !_inputs.TryAdd(input))
                {
                    WriteError(ErrorHelper.InvalidInputObject(InputObject, "Show-CowMap", Accepted));
                }
                break;
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            foreach ((CowMap map, _) in _inputs.Maps(Source, Shape, Observer, WriteWarning, CancelToken))
            {
                foreach (object line in LinesOf(map))
                {
                    WriteObject(line);
                }
            }
        }
        catch (ArgumentOutOfRangeException e)
        {
            WriteError(ErrorHelper.InvalidCellSize(e, CellSize));
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            // Ctrl+C: PowerShell stops the pipeline itself once this returns.
        }
    }

    private static string Activity(int processId) => $"Mapping process {processId} against its reference";

    private IEnumerable<object> Draw(int differenceId)
    {
        if (CreateSelection(Mapping, nameof(Address), Address, nameof(Count), Count, differenceId) is not PageSelection selection)
        {
            return Array.Empty<object>();
        }
        int? referenceId = MyInvocation.BoundParameters.ContainsKey(nameof(ReferenceId)) ? ReferenceId : null;
        try
        {
            return LinesOf(ForkMapAnalysis.Map(Source, differenceId, referenceId, selection, Shape, Observer, CancelToken));
        }
        catch (ArgumentOutOfRangeException e)
        {
            WriteError(ErrorHelper.InvalidCellSize(e, CellSize));
            return Array.Empty<object>();
        }
    }

    /// <summary>A map's lines, after the legend if no map has been drawn yet: the legend comes once, first.</summary>
    private List<object> LinesOf(CowMap map)
    {
        var lines = new List<object>();
        if (!_legendWritten)
        {
            lines.AddRange(MapText.Legend(_style, _width));
            _legendWritten = true;
        }
        lines.AddRange(MapText.Lines(map, _width, _style));
        return lines;
    }
}
