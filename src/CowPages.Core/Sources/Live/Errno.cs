using System;

namespace CowPages.Sources.Live;

/// <summary>Turns a failed system call's errno into the core's exception, with advice on what the user can do.</summary>
internal static class Errno
{
    internal static ProcfsException ToException(int errno, string operation, string path, int? processId)
    {
        ProcfsErrorKind kind = errno switch
        {
            LibC.ENOENT or LibC.ESRCH => ProcfsErrorKind.NotFound,
            LibC.EACCES or LibC.EPERM => ProcfsErrorKind.AccessDenied,
            LibC.EINVAL => ProcfsErrorKind.InvalidArgument,
            _ => ProcfsErrorKind.IoError,
        };
        string who = processId is int pid ? $"process {pid}: " : "";
        string advice = kind switch
        {
            ProcfsErrorKind.NotFound when processId is not null => " The process does not exist or has exited.",
            ProcfsErrorKind.AccessDenied when path.StartsWith("/proc/kpage", StringComparison.Ordinal) =>
                " The kpage* files are readable only by root (CAP_SYS_ADMIN); run as root to see page flags.",
            ProcfsErrorKind.AccessDenied =>
                " Reading another process's memory needs ptrace read access: run as root with full capabilities, or as the process's owner if it is dumpable.",
            _ => "",
        };
        return new ProcfsException(kind, path, processId, errno,
            $"{who}cannot {operation} {path}: {LibC.Describe(errno)}.{advice}");
    }
}
