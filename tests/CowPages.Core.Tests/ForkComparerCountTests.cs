using System;
using System.Collections.Generic;
using CowPages.Core.Tests.Synthetic;
using Xunit;
using static CowPages.Core.Tests.Synthetic.Words;

namespace CowPages.Core.Tests;

/// <summary>
/// CountSegment decides most pages inline instead of through ForkPageClassifier, for speed: on every kind of word
/// pair, its counts must equal the classifier's, page by page, by either method and in either kind of mapping.
/// </summary>
public class ForkComparerCountTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Start = 0x40000000;
    private const int Pages = 4000;
    private const ulong ZeroPfn = 0x777;

    /// <summary>Every kind of word the two sides may hold, the same frame more often than not.</summary>
    private static ulong RandomWord(Random random, ulong sharedPfn, bool framesVisible)
    {
        ulong pfn = framesVisible ? random.Next(4) switch { 0 => 0x5000 + (ulong)random.Next(100), 1 => ZeroPfn, _ => sharedPfn } : 0;
        bool exclusive = random.Next(3) == 0;
        return random.Next(10) switch
        {
            0 => 0,
            1 => Swapped(0, (ulong)random.Next(1, 1000)),
            2 => GuardMarker,
            3 => Cached(pfn, exclusive),
            _ => Anon(pfn, exclusive),
        };
    }

    [Theory]
    [InlineData(true, null, 1)]
    [InlineData(true, "[heap]", 2)]
    [InlineData(false, null, 3)]
    [InlineData(false, "/usr/lib/libc.so.6", 4)]
    public void CountsEqualTheClassifiersPageByPage(bool framesVisible, string? path, int seed)
    {
        var source = new SyntheticSource { ZeroPfn = ZeroPfn, FramesVisible = framesVisible };
        SyntheticProcess parent = source.Add(100, 1);
        SyntheticProcess child = source.Add(200, 100);
        ulong inode = path is not null && path.StartsWith('/') ? 42UL : 0;
        parent.Map(Start, Pages, path, "rw-p", inode);
        child.Map(Start, Pages, path, "rw-p", inode);
        var random = new Random(seed);
        for (ulong i = 0; i < Pages; i++)
        {
            ulong sharedPfn = framesVisible ? 0x1000 + i : 0;
            parent.Set(Start + i * Page, RandomWord(random, sharedPfn, framesVisible));
            child.Set(Start + i * Page, RandomWord(random, sharedPfn, framesVisible));
        }

        using ForkComparer counting = ForkComparer.Open(source, parent, child, PageSelection.All);
        ForkStateCounts counted = counting.CountSegment(Assert.Single(counting.Segments));

        using ForkComparer classifying = ForkComparer.Open(source, parent, child, PageSelection.All);
        var expected = new ForkStateCounts();
        foreach (ForkChunk chunk in classifying.Chunks(Assert.Single(classifying.Segments)))
        {
            for (int i = 0; i < chunk.Count; i++)
            {
                expected.Add(classifying.Classify(chunk, i));
            }
        }
        Assert.Equal(expected, counted);
        Assert.Equal((ulong)Pages, counted.Total);
        // Every state occurs, so no branch of the inline rules went untested.
        Assert.All(new[] { counted.Shared, counted.Copied, counted.ReferenceOnly, counted.DifferenceOnly, counted.Swapped, counted.NotPresent },
            n => Assert.NotEqual(0UL, n));
    }
}
