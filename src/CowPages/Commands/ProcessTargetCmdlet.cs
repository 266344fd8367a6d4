using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;

namespace CowPages.Commands;

/// <summary>
/// The process-identity parameters shared by the per-process cmdlets: <c>-Id</c> (aliases PID, ProcessId,
/// bound by value and by property name) or <c>-InputObject</c> (Process objects).
/// </summary>
public abstract class ProcessTargetCmdlet : SnapshotReaderCmdlet
{
    protected const string IdSet = "Id";
    protected const string InputObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PID", "ProcessId")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int[] Id { get; set; } = Array.Empty<int>();

    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public Process[] InputObject { get; set; } = Array.Empty<Process>();

    /// <summary>The PIDs of the current pipeline record, from -Id or -InputObject.</summary>
    protected IEnumerable<int> TargetIds => ParameterSetName == InputObjectSet ? InputObject.Select(p => p.Id) : Id;

    protected override void ProcessRecord() => ForEachProcess(TargetIds, Activity, ProcessTarget);

    /// <summary>The progress activity for one process, such as "Reading /proc/42/pagemap".</summary>
    protected abstract string Activity(int processId);

    /// <summary>What the cmdlet writes for one process, as the core yields it.</summary>
    protected abstract IEnumerable<object> ProcessTarget(int processId);
}
