namespace CowPages;

/// <summary>
/// How many pages share one exact <c>/proc/kpageflags</c> word: a row of <c>page-types</c>' table. Output of
/// Measure-PageFlags, one per distinct word, in ascending order of the word.
/// </summary>
public sealed class PageFlagsCount
{
    internal PageFlagsCount(PageFlags flags, ulong pages, int? processId, string? mapping)
    {
        Flags = flags;
        Pages = pages;
        ProcessId = processId;
        Mapping = mapping;
    }

    /// <summary>The process whose pages were counted; null for physical memory.</summary>
    public int? ProcessId { get; }

    /// <summary>The mapping name with -ByMapping; null otherwise.</summary>
    public string? Mapping { get; }

    /// <summary>The kernel's word as it is, every bit kept (page-types hides some of them unless run with -r).</summary>
    public PageFlags Flags { get; }

    /// <summary>How many 4 KiB pages (or frames) carry exactly these flags.</summary>
    public ulong Pages { get; }

    public ulong Bytes => PageGeometry.Bytes(Pages);
}
