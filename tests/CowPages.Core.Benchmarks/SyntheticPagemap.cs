using System;
using CowPages.Decoding;

namespace CowPages.Core.Benchmarks;

/// <summary>
/// Pagemap words shaped like a forked child's: mostly present anonymous pages (a quarter exclusive), some holes, a few
/// file pages and swap entries. Seeded, so that every run decodes the same buffer.
/// </summary>
internal static class SyntheticPagemap
{
    private const ulong Present = 1UL << PagemapWord.PresentBit;
    private const ulong Exclusive = 1UL << PagemapWord.ExclusiveBit;
    private const ulong File = 1UL << PagemapWord.FileOrSharedAnonBit;
    private const ulong Swapped = 1UL << PagemapWord.SwappedBit;

    internal static ulong[] Words(int count, int seed = 42)
    {
        var random = new Random(seed);
        var words = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            int kind = random.Next(100);
            ulong pfn = 0x100000UL + (ulong)i + (ulong)random.Next(64);
            words[i] = kind switch
            {
                < 5 => 0,
                < 7 => Swapped | (ulong)random.Next(1 << 20) << 5,
                < 10 => Present | File | pfn,
                < 32 => Present | Exclusive | pfn,
                _ => Present | pfn,
            };
        }
        return words;
    }

    /// <summary>PFNs in the order a chunk yields them: runs of ascending frames from a few scattered blocks.</summary>
    internal static ulong[] Pfns(int count, int seed = 7)
    {
        var random = new Random(seed);
        var pfns = new ulong[count];
        ulong next = 0x100000;
        for (int i = 0; i < count; i++)
        {
            if (random.Next(32) == 0)
            {
                next = 0x100000UL + (ulong)random.Next(1 << 22);
            }
            pfns[i] = next++;
        }
        return pfns;
    }
}
