namespace CowPages;

/// <summary>What went wrong while reading a procfs file, independent of how the caller reports it.</summary>
public enum ProcfsErrorKind
{
    /// <summary>The process or file does not exist (ENOENT, ESRCH).</summary>
    NotFound,
    /// <summary>The caller lacks the privilege to open or read the file (EACCES, EPERM).</summary>
    AccessDenied,
    /// <summary>The kernel refused the offset, length or request (EINVAL), or the caller asked for an impossible range.</summary>
    InvalidArgument,
    /// <summary>The process exited while it was being read.</summary>
    ProcessExited,
    /// <summary>The file's contents could not be parsed.</summary>
    Malformed,
    /// <summary>The process has no parent to compare it with (PPid 0), and no reference was given.</summary>
    NoParent,
    /// <summary>Any other I/O failure.</summary>
    IoError,
}
