using System;
using System.Linq;
using CsCheck;
using Xunit;

namespace CowPages.Core.Tests;

public class PfnSorterTests
{
    // Narrow PFNs (a small machine), wide ones (up to pagemap's 55 bits, too wide to pack with a position, so the
    // fallback sort runs), and a few repeated ones (the same frame mapped twice).
    private static readonly Gen<ulong> GenPfn = Gen.Frequency(
        (4, Gen.ULong[0, 1UL << 24]),
        (1, Gen.ULong[0, (1UL << 55) - 1]),
        (1, Gen.ULong[0, 8]));

    [Fact]
    public void SortsAscendingAndKeepsEachPfnWithItsPosition()
    {
        GenPfn.Array[0, 2000].Sample(pfns =>
        {
            var sorter = new PfnSorter();
            var sorted = new ulong[pfns.Length];
            var index = new int[pfns.Length];
            sorter.Sort(pfns, default, sorted, index);
            for (int k = 1; k < sorted.Length; k++)
            {
                Assert.True(sorted[k - 1] <= sorted[k], $"out of order at {k}");
            }
            for (int k = 0; k < sorted.Length; k++)
            {
                Assert.Equal(pfns[index[k]], sorted[k]);
            }
            Assert.Equal(Enumerable.Range(0, pfns.Length), index.Order());
        });
    }

    [Fact]
    public void ReportsTheCallersSlotsInsteadOfPositions()
    {
        GenPfn.Array[0, 1000].Sample(pfns =>
        {
            int[] slots = Enumerable.Range(0, pfns.Length).Select(i => 3 * i + 7).ToArray();
            var sorted = new ulong[pfns.Length];
            var index = new int[pfns.Length];
            new PfnSorter().Sort(pfns, slots, sorted, index);
            for (int k = 0; k < sorted.Length; k++)
            {
                Assert.Equal(pfns[(index[k] - 7) / 3], sorted[k]);
            }
            Assert.Equal(slots, index.Order());
        });
    }

    [Fact]
    public void OneSorterServesBatchesOfChangingSize()
    {
        var sorter = new PfnSorter();
        var random = new Random(7);
        foreach (int n in new[] { 300, 131072, 5, 4000 })
        {
            ulong[] pfns = Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64(1L << 30)).ToArray();
            var sorted = new ulong[n];
            var index = new int[n];
            sorter.Sort(pfns, default, sorted, index);
            Assert.Equal(pfns.Order(), sorted);
        }
    }
}
