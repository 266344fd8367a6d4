using System;

namespace CowPages;

/// <summary>
/// The bits of one <c>/proc/kpageflags</c> word. Bits 0-26 are the stable uapi set
/// (<c>include/uapi/linux/kernel-page-flags.h</c>); bits 32-42 are the kernel-hacking set
/// (<c>include/linux/kernel-page-flags.h</c>), which the kernel may change. Bits without a name here
/// are kept in the value, never dropped.
/// </summary>
[Flags]
public enum PageFlags : ulong
{
    None = 0,
    /// <summary>KPF_LOCKED: the page is locked for I/O.</summary>
    Locked = 1UL << 0,
    /// <summary>KPF_ERROR: an I/O error occurred. Always 0 since 6.12.</summary>
    Error = 1UL << 1,
    /// <summary>KPF_REFERENCED: referenced since the last LRU scan.</summary>
    Referenced = 1UL << 2,
    /// <summary>KPF_UPTODATE: the contents are valid.</summary>
    Uptodate = 1UL << 3,
    /// <summary>KPF_DIRTY: modified and not yet written back.</summary>
    Dirty = 1UL << 4,
    /// <summary>KPF_LRU: on an LRU list.</summary>
    Lru = 1UL << 5,
    /// <summary>KPF_ACTIVE: on the active LRU list.</summary>
    Active = 1UL << 6,
    /// <summary>KPF_SLAB: owned by the slab allocator.</summary>
    Slab = 1UL << 7,
    /// <summary>KPF_WRITEBACK: being written back.</summary>
    Writeback = 1UL << 8,
    /// <summary>KPF_RECLAIM: to be reclaimed as soon as writeback ends.</summary>
    Reclaim = 1UL << 9,
    /// <summary>KPF_BUDDY: a free page in the buddy allocator.</summary>
    Buddy = 1UL << 10,
    /// <summary>KPF_MMAP: mapped into some process (the whole folio, since 6.16).</summary>
    Mmap = 1UL << 11,
    /// <summary>KPF_ANON: an anonymous page (including copy-on-write copies of file pages).</summary>
    Anon = 1UL << 12,
    /// <summary>KPF_SWAPCACHE: in the swap cache.</summary>
    SwapCache = 1UL << 13,
    /// <summary>KPF_SWAPBACKED: backed by swap (anonymous or shmem).</summary>
    SwapBacked = 1UL << 14,
    /// <summary>KPF_COMPOUND_HEAD: the first page of any large folio.</summary>
    CompoundHead = 1UL << 15,
    /// <summary>KPF_COMPOUND_TAIL: a later page of any large folio.</summary>
    CompoundTail = 1UL << 16,
    /// <summary>KPF_HUGE: part of a hugetlbfs page.</summary>
    Huge = 1UL << 17,
    /// <summary>KPF_UNEVICTABLE: on the unevictable list (mlocked, ramfs, ...).</summary>
    Unevictable = 1UL << 18,
    /// <summary>KPF_HWPOISON: hardware reported a memory error.</summary>
    HWPoison = 1UL << 19,
    /// <summary>KPF_NOPAGE: no page frame at this PFN (older kernels; holes read 0 since 6.16).</summary>
    NoPage = 1UL << 20,
    /// <summary>KPF_KSM: merged by kernel same-page merging.</summary>
    Ksm = 1UL << 21,
    /// <summary>KPF_THP: part of a transparent huge page or any large rmappable folio.</summary>
    Thp = 1UL << 22,
    /// <summary>KPF_OFFLINE: logically offline (was BALLOON before 5.0).</summary>
    Offline = 1UL << 23,
    /// <summary>KPF_ZERO_PAGE: the shared zero page or the huge zero page.</summary>
    ZeroPage = 1UL << 24,
    /// <summary>KPF_IDLE: not accessed since marked idle (idle page tracking).</summary>
    Idle = 1UL << 25,
    /// <summary>KPF_PGTABLE: a page-table page.</summary>
    PgTable = 1UL << 26,

    /// <summary>KPF_RESERVED: reserved by firmware or the kernel.</summary>
    Reserved = 1UL << 32,
    /// <summary>KPF_MLOCKED: locked in memory by mlock.</summary>
    Mlocked = 1UL << 33,
    /// <summary>
    /// KPF_OWNER_2 (KPF_MAPPEDTODISK before 6.12). For anonymous pages this is PG_anon_exclusive: the
    /// mapping process may write without copying. On tail pages it reports the folio head's bit.
    /// </summary>
    Owner2 = 1UL << 34,
    /// <summary>KPF_PRIVATE: has filesystem-private data.</summary>
    Private = 1UL << 35,
    /// <summary>KPF_PRIVATE_2.</summary>
    Private2 = 1UL << 36,
    /// <summary>KPF_OWNER_PRIVATE.</summary>
    OwnerPrivate = 1UL << 37,
    /// <summary>KPF_ARCH: architecture-specific.</summary>
    Arch = 1UL << 38,
    /// <summary>KPF_UNCACHED (only with CONFIG_ARCH_USES_PG_UNCACHED; gone by 6.16).</summary>
    Uncached = 1UL << 39,
    /// <summary>KPF_SOFTDIRTY: never set by the kernel; page-types derives it from pagemap bit 55.</summary>
    SoftDirty = 1UL << 40,
    /// <summary>KPF_ARCH_2: architecture-specific.</summary>
    Arch2 = 1UL << 41,
    /// <summary>KPF_ARCH_3: architecture-specific.</summary>
    Arch3 = 1UL << 42,
}
