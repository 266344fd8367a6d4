namespace CowPages;

/// <summary>One physical page frame, from <c>/proc/kpageflags</c>, <c>kpagecount</c> and <c>kpagecgroup</c>. Output of Get-PageFlags.</summary>
public sealed class PageFrame
{
    internal PageFrame(ulong pfn, PageFlags flags, ulong mapCount, ulong? cgroupInode, int? processId, ulong? address, bool ksmFlagTrusted = true)
    {
        KsmFlagTrusted = ksmFlagTrusted;
        Pfn = pfn;
        Flags = flags;
        MapCount = mapCount;
        CgroupInode = cgroupInode;
        ProcessId = processId;
        Address = address;
    }

    /// <summary>The process whose page led here, when the input carried one.</summary>
    public int? ProcessId { get; }

    /// <summary>The virtual address that maps this frame, when the input carried one.</summary>
    public ulong? Address { get; }

    public ulong Pfn { get; }

    public PageFlags Flags { get; }

    /// <summary>How many page-table entries map the frame (kpagecount). 0 for the zero page and free frames.</summary>
    public ulong MapCount { get; }

    /// <summary>The inode of the memory cgroup charged for the frame; null when the kernel has no kpagecgroup.</summary>
    public ulong? CgroupInode { get; }

    /// <summary>
    /// False on a kernel that sets KPF_KSM on every anonymous page (Debian's 6.12.117 among them): there the Ksm bit
    /// of <see cref="Flags"/> says nothing. Flags keeps the kernel's word as it was, so that it still matches page-types.
    /// </summary>
    public bool KsmFlagTrusted { get; }

    /// <summary>An anonymous page the mapping process may write without a copy (KPF_ANON with PG_anon_exclusive).</summary>
    public bool AnonExclusive => (Flags & (PageFlags.Anon | PageFlags.Owner2)) == (PageFlags.Anon | PageFlags.Owner2);
}
