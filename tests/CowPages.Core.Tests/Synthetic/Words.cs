namespace CowPages.Core.Tests.Synthetic;

/// <summary>Pagemap words and kpageflags words for synthetic processes, spelled as the kernel builds them.</summary>
internal static class Words
{
    internal const ulong Present = 1UL << 63;
    internal const ulong Swap = 1UL << 62;
    internal const ulong File = 1UL << 61;
    internal const ulong Guard = 1UL << 58;
    internal const ulong Exclusive = 1UL << 56;

    /// <summary>A present anonymous page in frame <paramref name="pfn"/>.</summary>
    internal static ulong Anon(ulong pfn, bool exclusive = false) => Present | pfn | (exclusive ? Exclusive : 0);

    /// <summary>A present page-cache or shmem page.</summary>
    internal static ulong Cached(ulong pfn, bool exclusive = false) => Present | File | pfn | (exclusive ? Exclusive : 0);

    /// <summary>A swap entry: type in bits 0-4, offset above (MAX_SWAPFILES_SHIFT = 5).</summary>
    internal static ulong Swapped(uint type, ulong offset) => Swap | type | (offset << 5);

    /// <summary>A guard marker as root reads it.</summary>
    internal const ulong GuardMarker = Swap | Guard | 0x9f;

    internal const ulong AnonFlags = (ulong)(PageFlags.Uptodate | PageFlags.Lru | PageFlags.Mmap | PageFlags.Anon | PageFlags.SwapBacked);

    internal const ulong FileFlags = (ulong)(PageFlags.Uptodate | PageFlags.Lru | PageFlags.Mmap);

    internal const ulong ShmemFlags = (ulong)(PageFlags.Uptodate | PageFlags.Lru | PageFlags.Mmap | PageFlags.SwapBacked);
}
