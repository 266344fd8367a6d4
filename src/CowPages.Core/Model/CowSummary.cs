using CowPages.Analysis;

namespace CowPages;

/// <summary>
/// Where one process's (or one mapping's) memory stands after fork: the kernel's totals and the copy-on-write split.
/// All sizes are bytes. Output of Get-CowSummary.
/// </summary>
public sealed class CowSummary
{
    private const ulong PageSize = Reading.PagemapReader.PageSize;

    public CowSummary(int processId, string name, int parentId, string? mapping, in CowCounters pages, ulong? pssOverride, ulong? largeFolioOverride, CowMethod method)
    {
        ProcessId = processId;
        Name = name;
        ParentId = parentId;
        Mapping = mapping;
        Rss = pages.Rss * PageSize;
        Pss = pssOverride ?? pages.PssFixed >> CowCounters.PssShift;
        Uss = pages.Uss * PageSize;
        Swap = pages.Swap * PageSize;
        Anonymous = pages.Anonymous * PageSize;
        File = pages.File * PageSize;
        Shmem = pages.Shmem * PageSize;
        CowShared = pages.CowShared * PageSize;
        CowPrivate = pages.CowPrivate * PageSize;
        FileCopies = pages.FileCopies * PageSize;
        Ksm = pages.Ksm * PageSize;
        Zero = pages.Zero * PageSize;
        LargeFolio = largeFolioOverride ?? pages.LargeFolio * PageSize;
        Method = method;
    }

    public int ProcessId { get; }

    /// <summary>The command name (comm).</summary>
    public string Name { get; }

    public int ParentId { get; }

    /// <summary>The mapping name with -ByMapping; null on process totals.</summary>
    public string? Mapping { get; }

    /// <summary>Resident bytes, as smaps counts them (the zero page left out).</summary>
    public ulong Rss { get; }

    /// <summary>Proportional set size: each page divided by the number of its mappers.</summary>
    public ulong Pss { get; }

    /// <summary>Unique set size: pages mapped once (smaps' Private_Clean + Private_Dirty).</summary>
    public ulong Uss { get; }

    public ulong Swap { get; }

    /// <summary>Anonymous pages, including copies of file pages and KSM pages: CowShared + CowPrivate + Ksm.</summary>
    public ulong Anonymous { get; }

    /// <summary>Page-cache pages of regular files.</summary>
    public ulong File { get; }

    /// <summary>shmem pages: shared anonymous memory, tmpfs, memfd, SysV shared memory.</summary>
    public ulong Shmem { get; }

    /// <summary>Anonymous pages still mapped more than once: copy-on-write not yet broken. Not KSM or zero pages.</summary>
    public ulong CowShared { get; }

    /// <summary>Anonymous pages mapped once: copied, or allocated since the fork.</summary>
    public ulong CowPrivate { get; }

    /// <summary>The part of CowShared + CowPrivate that lies in private file mappings: copies of file pages.</summary>
    public ulong FileCopies { get; }

    /// <summary>Pages merged by kernel same-page merging.</summary>
    public ulong Ksm { get; }

    /// <summary>Mappings of the shared zero page; not part of Rss.</summary>
    public ulong Zero { get; }

    /// <summary>Bytes in THPs or other large folios.</summary>
    public ulong LargeFolio { get; }

    public CowMethod Method { get; }
}
