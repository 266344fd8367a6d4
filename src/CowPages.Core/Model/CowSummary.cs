namespace CowPages;

/// <summary>
/// Where one process's (or one mapping's) memory stands after fork: the kernel's totals and the copy-on-write split.
/// All sizes are bytes. Output of Get-CowSummary.
/// </summary>
public sealed class CowSummary
{
    internal CowSummary(int processId, string name, int parentId, string? mapping, CowMethod method)
    {
        ProcessId = processId;
        Name = name;
        ParentId = parentId;
        Mapping = mapping;
        Method = method;
    }

    public int ProcessId { get; }

    /// <summary>The command name (comm).</summary>
    public string Name { get; }

    public int ParentId { get; }

    /// <summary>The mapping name with -ByMapping; null on process totals.</summary>
    public string? Mapping { get; }

    /// <summary>Resident bytes, as smaps counts them (the zero page left out).</summary>
    public ulong Rss { get; internal set; }

    /// <summary>Proportional set size: each page divided by the number of its mappers.</summary>
    public ulong Pss { get; internal set; }

    /// <summary>Unique set size: pages mapped once (smaps' Private_Clean + Private_Dirty).</summary>
    public ulong Uss { get; internal set; }

    public ulong Swap { get; internal set; }

    /// <summary>Anonymous pages, including copies of file pages and KSM pages: CowShared + CowPrivate + Ksm.</summary>
    public ulong Anonymous { get; internal set; }

    /// <summary>Page-cache pages of regular files.</summary>
    public ulong File { get; internal set; }

    /// <summary>shmem pages: shared anonymous memory, tmpfs, memfd, SysV shared memory.</summary>
    public ulong Shmem { get; internal set; }

    /// <summary>Anonymous pages still mapped more than once: copy-on-write not yet broken. Not KSM or zero pages.</summary>
    public ulong CowShared { get; internal set; }

    /// <summary>Anonymous pages mapped once: copied, or allocated since the fork.</summary>
    public ulong CowPrivate { get; internal set; }

    /// <summary>The part of CowShared + CowPrivate that lies in private file mappings: copies of file pages.</summary>
    public ulong FileCopies { get; internal set; }

    /// <summary>Pages merged by kernel same-page merging.</summary>
    public ulong Ksm { get; internal set; }

    /// <summary>Mappings of the shared zero page; not part of Rss.</summary>
    public ulong Zero { get; internal set; }

    /// <summary>Bytes in THPs or other large folios.</summary>
    public ulong LargeFolio { get; internal set; }

    public CowMethod Method { get; }
}
