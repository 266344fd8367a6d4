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

    /// <summary>-Method Pfn was asked for where frame numbers are hidden; <paramref name="process"/> when a walk found out.</summary>
    internal static ProcfsException PfnUnavailable(string sourceName, Sources.IProcessSource? process) => new(ProcfsErrorKind.AccessDenied,
        process?.PagemapPath ?? "/proc/kpageflags", process?.ProcessId, 1,
        (process is null ? "" : $"process {process.ProcessId}: ") +
        "-Method Pfn needs CAP_SYS_ADMIN in the initial user namespace: without it the kernel hides the PFNs in " +
        $"/proc/PID/pagemap and keeps /proc/kpageflags and /proc/kpagecount to root, and {sourceName} shows no frames. " +
        "Run as root (or take the snapshot as root), or use -Method ExclusiveBit.");

    internal static ProcfsException NoChildren(int processId, string sourceName) =>
        new(ProcfsErrorKind.NoChildren, $"{sourceName}/{processId}/stat", processId, null,
            $"process {processId} has no child processes to watch (no process in {sourceName} has PPid {processId}); " +
            "pass -DifferenceId, or -Duration to wait for a child to start.");

    internal static ProcfsException NoUserMemory(int processId, string sourceName) =>
        new(ProcfsErrorKind.NoUserMemory, $"{sourceName}/{processId}/maps", processId, null,
            $"process {processId} has no user memory ({sourceName}/{processId}/maps is empty): it is a kernel thread or a " +
            "zombie, so there is nothing to compare its children with.");

    internal static ProcfsException Malformed(string path, int? processId, string detail) =>
        new(ProcfsErrorKind.Malformed, path, processId, null,
            $"{(processId is int pid ? $"process {pid}: " : "")}cannot parse {path}: {detail}");
}
