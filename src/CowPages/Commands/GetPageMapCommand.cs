using System;
using System.Collections.Generic;
using System.Management.Automation;
using CowPages.Frames;
using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Commands;

[Cmdlet(VerbsCommon.Get, "PageMap", DefaultParameterSetName = IdSet)]
[OutputType(typeof(PageMapEntry))]
public sealed class GetPageMapCommand : ProcessTargetCmdlet
{
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MappingNameCompleter))]
    public string[]? Mapping { get; set; }

    [Parameter]
    public ulong Address { get; set; }

    [Parameter]
    public ulong Count { get; set; }

    [Parameter]
    public SwitchParameter Present { get; set; }

    /// <summary>Adds each present page's frame flags and map count, read in the same pass (root).</summary>
    [Parameter]
    public SwitchParameter IncludeFrame { get; set; }

    private FrameReader? _frames;

    protected override int ProgressId => 0x43500001;

    protected override void BeginProcessing()
    {
        if (!IncludeFrame)
        {
            return;
        }
        try
        {
            _frames = FrameReader.Open(Source, FrameFields.Flags | FrameFields.MapCount);
        }
        catch (ProcfsException e)
        {
            ThrowTerminatingError(ErrorHelper.FromProcfs(e, e.Path));
        }
    }

    protected override void ReleaseResources() => _frames?.Dispose();

    protected override string Activity(int processId) => $"Reading /proc/{processId}/pagemap";

    protected override IEnumerable<object> ProcessTarget(int processId) =>
        CreateSelection(Mapping, nameof(Address), Address, nameof(Count), Count, processId) is PageSelection selection
            ? PageMapQuery.Entries(Source, processId, selection, Present, Observer, CancelToken, _frames)
            : Array.Empty<object>();
}
