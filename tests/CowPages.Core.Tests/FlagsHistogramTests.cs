using System;
using System.Collections.Generic;
using System.Linq;
using CowPages.Flags;
using CsCheck;
using Xunit;

namespace CowPages.Core.Tests;

// The page-types table's counting, on synthetic kpageflags words: one entry per exact word, ascending, every bit kept.
public class FlagsHistogramTests
{
    private const ulong KpfUptodate = 1UL << 3;
    private const ulong KpfLru = 1UL << 5;
    private const ulong KpfMmap = 1UL << 11;
    private const ulong KpfAnon = 1UL << 12;
    private const ulong KpfSwapBacked = 1UL << 14;
    private const ulong KpfOwner2 = 1UL << 34;
    private const ulong AnonPage = KpfUptodate | KpfLru | KpfMmap | KpfAnon | KpfSwapBacked;

    [Fact]
    public void CountsEachExactWordOnceAndSortsAscending()
    {
        var h = new FlagsHistogram();
        foreach (ulong word in new[] { AnonPage | KpfOwner2, AnonPage, AnonPage, 0UL, AnonPage | KpfOwner2, AnonPage })
        {
            h.Add(word);
        }
        Assert.Equal(new[] { (0UL, 1UL), (AnonPage, 3UL), (AnonPage | KpfOwner2, 2UL) }, h.ToSortedArray());
        Assert.Equal(3, h.Distinct);
        Assert.Equal(6UL, h.TotalPages);
    }

    [Fact]
    public void KeepsWordsThatDifferOnlyInHighBitsApart()
    {
        // Bits no enum member names (the overloaded range page-types uses, 47-63) must not merge two words.
        var h = new FlagsHistogram();
        h.Add(AnonPage | (1UL << 63));
        h.Add(AnonPage | (1UL << 47));
        h.Add(AnonPage);
        Assert.Equal(new[] { AnonPage, AnonPage | (1UL << 47), AnonPage | (1UL << 63) }, h.ToSortedArray().Select(e => e.Flags));
    }

    [Fact]
    public void AddsManyPagesAtOnceAndIgnoresZeroPages()
    {
        var h = new FlagsHistogram();
        h.Add(KpfMmap, 512);
        h.Add(KpfLru, 0);
        Assert.Equal(new[] { (KpfMmap, 512UL) }, h.ToSortedArray());
        Assert.Equal(512UL, h.TotalPages);
    }

    [Fact]
    public void MergesAnotherHistogram()
    {
        var a = new FlagsHistogram();
        var b = new FlagsHistogram();
        a.Add(AnonPage, 3);
        b.Add(AnonPage, 2);
        b.Add(KpfMmap, 7);
        a.Add(b);
        Assert.Equal(new[] { (KpfMmap, 7UL), (AnonPage, 5UL) }, a.ToSortedArray());
        Assert.Equal(12UL, a.TotalPages);
    }

    [Fact]
    public void ClearForgetsEverything()
    {
        var h = new FlagsHistogram();
        h.Add(AnonPage);
        h.Clear();
        h.Add(KpfMmap);
        Assert.Equal(new[] { (KpfMmap, 1UL) }, h.ToSortedArray());
        Assert.Equal(1UL, h.TotalPages);
    }

    [Fact]
    public void AgreesWithGroupByOnAnyWords()
    {
        // Many distinct words force the table to grow several times; runs exercise the last-word shortcut.
        Gen.Select(Gen.ULong[0, 3000].Select(w => w * 0x0100_0000_0001UL), Gen.Int[1, 4]).Array[0, 5000]
            .Sample(runs =>
            {
                var h = new FlagsHistogram();
                var words = new List<ulong>();
                foreach ((ulong word, int length) in runs)
                {
                    for (int i = 0; i < length; i++)
                    {
                        h.Add(word);
                        words.Add(word);
                    }
                }
                var expected = words.GroupBy(w => w).OrderBy(g => g.Key).Select(g => (g.Key, (ulong)g.Count())).ToArray();
                Assert.Equal(expected, h.ToSortedArray());
                Assert.Equal((ulong)words.Count, h.TotalPages);
                Assert.Equal(expected.Length, h.Distinct);
            }, iter: 200);
    }
}
