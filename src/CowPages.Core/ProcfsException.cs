using System;

namespace CowPages;

/// <summary>
/// The one exception type the core throws for procfs failures. It names the file and, where there is one,
/// the process, so that every error a user sees says which PID and which file, and what to do.
/// </summary>
public class ProcfsException : Exception
{
    public ProcfsException(ProcfsErrorKind kind, string path, int? processId, int? errno, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Path = path;
        ProcessId = processId;
        Errno = errno;
    }

    public ProcfsErrorKind Kind { get; }

    /// <summary>The procfs file involved, such as <c>/proc/42/pagemap</c>.</summary>
    public string Path { get; }

    public int? ProcessId { get; }

    /// <summary>The errno the kernel returned, when the failure came from a system call.</summary>
    public int? Errno { get; }

    internal static ProcfsException ProcessExited(int processId, string path) =>
        new(ProcfsErrorKind.ProcessExited, path, processId, null,
            $"process {processId}: exited while {path} was being read; the results for it are incomplete.");

    internal static ProcfsException NoParent(int processId, string sourceName) =>
        new(ProcfsErrorKind.NoParent, $"{sourceName}/{processId}/status", processId, null,
            $"process {processId} has no parent process to compare with (PPid 0 in {sourceName}/{processId}/status); pass -ReferenceId.");

    internal static ProcfsException Malformed(string path, int? processId, string detail) =>
        new(ProcfsErrorKind.Malformed, path, processId, null,
            $"{(processId is int pid ? $"process {pid}: " : "")}cannot parse {path}: {detail}");
}
