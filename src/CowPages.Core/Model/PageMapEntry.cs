using CowPages.Decoding;

namespace CowPages;

/// <summary>One virtual page of a process, as <c>/proc/PID/pagemap</c> describes it. Output of Get-PageMap.</summary>
public sealed class PageMapEntry
{
    private readonly MemoryMapping _mapping;

    internal PageMapEntry(int processId, ulong address, PagemapWord word, MemoryMapping mapping, bool framesVisible)
    {
        ProcessId = processId;
        Address = address;
        Raw = word.Raw;
        _mapping = mapping;
        Present = word.Present;
        Swapped = word.Swapped;
        if (framesVisible && word.Present)
        {
            Pfn = word.Pfn;
        }
        else if (framesVisible && word.Swapped && !word.Present && !word.Guard)
        {
            SwapType = word.SwapType;
            SwapOffset = word.SwapOffset;
        }
        SoftDirty = word.SoftDirty;
        Exclusive = word.Exclusive;
        FileOrSharedAnon = word.FileOrSharedAnon;
        UffdWriteProtected = word.UffdWriteProtected;
        Guard = word.Guard;
    }

    public int ProcessId { get; }

    /// <summary>The page's virtual address.</summary>
    public ulong Address { get; }

    public bool Present { get; }

    /// <summary>PM_SWAP: swapped out, or another non-present entry (migration, guard or uffd-wp marker).</summary>
    public bool Swapped { get; }

    /// <summary>The physical frame; null when not present or when the kernel hides PFNs (no CAP_SYS_ADMIN).</summary>
    public ulong? Pfn { get; }

    /// <summary>The swap area of a swapped page; null otherwise or when hidden.</summary>
    public uint? SwapType { get; }

    /// <summary>The slot in the swap area; null otherwise or when hidden.</summary>
    public ulong? SwapOffset { get; }

    public bool SoftDirty { get; }

    /// <summary>PM_MMAP_EXCLUSIVE: mapped by exactly one page-table entry.</summary>
    public bool Exclusive { get; }

    /// <summary>PM_FILE: a page-cache or shmem page rather than an anonymous one.</summary>
    public bool FileOrSharedAnon { get; }

    public bool UffdWriteProtected { get; }

    /// <summary>A guard marker installed with MADV_GUARD_INSTALL (6.15+).</summary>
    public bool Guard { get; }

    /// <summary>The mapping's path or pseudo-name, or <c>[anon]</c>.</summary>
    public string Mapping => _mapping.Name;

    public string Permissions => _mapping.Permissions;

    /// <summary>The pagemap word as the kernel wrote it, with every bit.</summary>
    public ulong Raw { get; }

    /// <summary>
    /// The frame's <c>/proc/kpageflags</c> word, with Get-PageMap -IncludeFrame (root); null otherwise, and for a page
    /// that is not present or whose frame lies past the end of kpageflags (device memory).
    /// </summary>
    public PageFlags? Flags { get; internal set; }

    /// <summary>The frame's <c>/proc/kpagecount</c> word, with Get-PageMap -IncludeFrame; null otherwise.</summary>
    public ulong? MapCount { get; internal set; }
}
