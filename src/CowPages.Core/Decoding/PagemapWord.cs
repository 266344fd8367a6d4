namespace CowPages.Decoding;

/// <summary>
/// One 64-bit word of <c>/proc/PID/pagemap</c>, decoded without losing any bit.
/// Layout from <c>fs/proc/task_mmu.c</c> (PM_* macros) and <c>Documentation/admin-guide/mm/pagemap.rst</c>.
/// </summary>
public readonly struct PagemapWord
{
    /// <summary>Bits 0-54: the PFN when present, the swap type and offset when swapped.</summary>
    public const ulong FrameMask = (1UL << 55) - 1;
    public const int SoftDirtyBit = 55;
    /// <summary>PM_MMAP_EXCLUSIVE (4.2+): the page is mapped by exactly one page-table entry.</summary>
    public const int ExclusiveBit = 56;
    /// <summary>PM_UFFD_WP (5.13+): write-protected by userfaultfd.</summary>
    public const int UffdWriteProtectedBit = 57;
    /// <summary>PM_GUARD_REGION (6.15+): a guard marker installed by MADV_GUARD_INSTALL.</summary>
    public const int GuardBit = 58;
    /// <summary>PM_FILE: the page is a page-cache or shmem page, not an anonymous one.</summary>
    public const int FileOrSharedAnonBit = 61;
    /// <summary>PM_SWAP: any non-present, non-empty entry (swap, migration, PTE markers).</summary>
    public const int SwappedBit = 62;
    public const int PresentBit = 63;

    /// <summary>MAX_SWAPFILES_SHIFT: the swap type takes bits 0-4, the offset bits 5-54.</summary>
    private const int SwapTypeBits = 5;

    public PagemapWord(ulong raw) => Raw = raw;

    public ulong Raw { get; }

    public bool Present => Bit(PresentBit);

    public bool Swapped => Bit(SwappedBit);

    public bool FileOrSharedAnon => Bit(FileOrSharedAnonBit);

    public bool Guard => Bit(GuardBit);

    public bool UffdWriteProtected => Bit(UffdWriteProtectedBit);

    public bool Exclusive => Bit(ExclusiveBit);

    /// <summary>Always false unless the kernel has CONFIG_MEM_SOFT_DIRTY.</summary>
    public bool SoftDirty => Bit(SoftDirtyBit);

    /// <summary>The frame number of a present page; 0 otherwise, and 0 for callers without CAP_SYS_ADMIN (4.2+).</summary>
    public ulong Pfn => Present ? Raw & FrameMask : 0;

    /// <summary>
    /// A present page whose frame number reads 0: the kernel hid the PFN from this reader (no CAP_SYS_ADMIN in the
    /// initial user namespace, 4.2+). PFN 0 itself is never a user page, so this is the one test for hidden frames.
    /// </summary>
    public bool FrameHidden => Present && (Raw & FrameMask) == 0;

    /// <summary>The swap area index of a swapped page; 0 otherwise, and 0 for unprivileged callers.</summary>
    public uint SwapType => Swapped && !Present ? (uint)(Raw & ((1UL << SwapTypeBits) - 1)) : 0;

    /// <summary>The page's slot in its swap area; 0 otherwise, and 0 for unprivileged callers.</summary>
    public ulong SwapOffset => Swapped && !Present ? (Raw & FrameMask) >> SwapTypeBits : 0;

    /// <summary>
    /// Swapped out (or migrating): PM_SWAP without a page. A guard marker sets the swap bit but holds no page, so it is
    /// not a swapped page.
    /// </summary>
    public bool SwappedOut => Swapped && !Present && !Guard;

    /// <summary>True when the word describes neither a present nor a swapped page: a hole or an untouched page.</summary>
    public bool Empty => !Present && !Swapped;

    private bool Bit(int bit) => (Raw & (1UL << bit)) != 0;

    public override string ToString() => $"0x{Raw:X16}";
}
