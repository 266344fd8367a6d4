using System;
using System.Diagnostics;
using System.Management.Automation;

namespace CowPages.Commands;

/// <summary>
/// The process-identity parameters shared by the per-process cmdlets: <c>-Id</c> (aliases PID, ProcessId,
/// bound by property name) or <c>-InputObject</c> (Process objects). Each PID is handled on its own: a failure
/// is a non-terminating error naming the PID, and the remaining PIDs go on.
/// </summary>
public abstract class ProcessTargetCmdlet : CowPagesCmdlet
{
    protected const string IdSet = "Id";
    protected const string InputObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PID", "ProcessId")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int[] Id { get; set; } = Array.Empty<int>();

    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public Process[] InputObject { get; set; } = Array.Empty<Process>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (Process process in InputObject)
            {
                ProcessOne(process.Id);
            }
        }
        else
        {
            foreach (int id in Id)
            {
                ProcessOne(id);
            }
        }
    }

    /// <summary>Does the cmdlet's work for one process. Throw ProcfsException for per-process failures.</summary>
    protected abstract void ProcessTarget(int processId);

    private void ProcessOne(int processId)
    {
        if (CancelToken.IsCancellationRequested)
        {
            return;
        }
        if (processId <= 0)
        {
            WriteError(ErrorHelper.InvalidProcessId(processId));
            return;
        }
        try
        {
            ProcessTarget(processId);
        }
        catch (ProcfsException e)
        {
            WriteProcfsError(e, processId);
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            // Ctrl+C: PowerShell stops the pipeline itself once this returns.
        }
    }
}
