using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using CowPages.Watch;

namespace CowPages.Commands;

[Cmdlet(VerbsCommon.Watch, "ForkPages", DefaultParameterSetName = WatchSet)]
[OutputType(typeof(ForkSample))]
public sealed class WatchForkPagesCommand : CowPagesCmdlet
{
    // Named so that help and Get-Command show "Watch", not "__AllParameterSets".
    private const string WatchSet = "Watch";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "ProcessId", "PID")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int ReferenceId { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int[]? DifferenceId { get; set; }

    [Parameter]
    [SecondsToTimeSpan]
    [ValidatePositiveTimeSpan]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    [Parameter]
    [SecondsToTimeSpan]
    [ValidatePositiveTimeSpan]
    public TimeSpan Duration { get; set; }

    /// <summary>Pfn (exact, root) or ExclusiveBit (pagemap bits only); unset picks the best the privileges allow.</summary>
    [Parameter]
    public CowMethod Method { get; set; }

    [Parameter]
    public SwitchParameter ByMapping { get; set; }

    protected override int ProgressId => 0x43500005;

    protected override void ProcessRecord()
    {
        IReadOnlyList<int>? given = null;
        if (DifferenceId is not null)
        {
            given = DifferenceId.Where(Valid).ToArray();
            if (given.Count == 0)
            {
                return;
            }
        }
        var settings = new ForkWatchSettings
        {
            ReferenceId = ReferenceId,
            DifferenceIds = given,
            Interval = Interval,
            Duration = MyInvocation.BoundParameters.ContainsKey(nameof(Duration)) ? Duration : null,
            Method = MyInvocation.BoundParameters.ContainsKey(nameof(Method)) ? Method : null,
            ByMapping = ByMapping,
        };
        ForEachProcess(new[] { ReferenceId }, id => $"Watching process {id} and its children",
            id => ForkWatch.Run(Source, settings, new SystemWatchClock(), Observer, e => WriteProcfsError(e, e.ProcessId), CancelToken));
    }

    private bool Valid(int processId)
    {
        if (processId > 0)
        {
            return true;
        }
        WriteError(ErrorHelper.InvalidProcessId(processId));
        return false;
    }
}
