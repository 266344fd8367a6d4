namespace CowPages.Sources;

/// <summary>The text files of a process that a snapshot keeps word for word.</summary>
public enum ProcessFile
{
    Status,
    Maps,
    SmapsRollup,
    Smaps,
}

/// <summary>
/// The raw bytes of a process's text files, for a capture: a snapshot stores them as the kernel wrote them, so that
/// the same parsers read them on any host later, and fields no parser knows yet are not lost. A separate interface, not
/// part of <see cref="IProcessSource"/>, because the analyses never need the bytes, only what the parsers make of them.
/// </summary>
public interface IProcessFiles
{
    /// <summary>The whole file, as one read gives it.</summary>
    /// <exception cref="ProcfsException">The process is missing or unreadable; the exception names it and the file.</exception>
    byte[] ReadFile(ProcessFile file);
}

/// <summary>The names of <see cref="ProcessFile"/> under <c>/proc/PID</c>.</summary>
public static class ProcessFileNames
{
    public static string Of(ProcessFile file) => file switch
    {
        ProcessFile.Status => "status",
        ProcessFile.Maps => "maps",
        ProcessFile.SmapsRollup => "smaps_rollup",
        _ => "smaps",
    };
}
