using System;
using System.Collections.Generic;
using CsCheck;
using Xunit;

namespace CowPages.Core.Tests.Snapshots;

/// <summary>
/// A snapshot's in-memory pagemap against a plain array of the same words: reads anywhere, and PAGEMAP_SCAN answered as
/// the kernel answers it, with its limits on runs and pages.
/// </summary>
public class PagemapImageTests
{
    private const ulong Base = 0x7f0000000;

    /// <summary>
    /// Up to 3000 pages from <see cref="Base"/>: stretches of words, long runs of one word, and gaps; some present pages
    /// marked as PAGEMAP_SCAN's zero page, as a capture without frames marks them.
    /// </summary>
    private static readonly Gen<(PagemapImage Image, ulong[] Words, bool[] Zero)> Images =
        Gen.Frequency(
            (3, Gen.Int[1, 60].SelectMany(n => Gen.Frequency(
                (3, Gen.Select(Gen.ULong[1, 99], Gen.Int[0, 2]).Select((id, z) => (Word: SyntheticSnapshot.Present | id, Zero: z == 0))),
                (1, Gen.Const((Word: SyntheticSnapshot.Swapped | 5UL, Zero: false))),
                (1, Gen.Const((Word: 0UL, Zero: false)))).Array[n]).Select(words => (Kind: 0, Words: words, Count: 0UL))),
            (1, Gen.Select(Gen.Int[1, 400], Gen.OneOfConst(0UL, SyntheticSnapshot.Present, SyntheticSnapshot.SoftDirty), Gen.Bool)
                .Select((n, w, z) => (Kind: 1, Words: new[] { (Word: w, Zero: z && w == SyntheticSnapshot.Present) }, Count: (ulong)n))),
            (1, Gen.Int[1, 300].Select(n => (Kind: 2, Words: Array.Empty<(ulong Word, bool Zero)>(), Count: (ulong)n))))
        .Array[0, 12]
        .Select(parts =>
        {
            var builder = new PagemapImageBuilder();
            builder.Skip(Base);
            var words = new List<ulong>();
            var zero = new List<bool>();
            foreach ((int kind, (ulong Word, bool Zero)[] w, ulong count) in parts)
            {
                if (kind == 0)
                {
                    foreach ((ulong word, bool isZero) in w)
                    {
                        builder.Add(word, isZero);
                        words.Add(word);
                        zero.Add(isZero);
                    }
                }
                else if (kind == 1)
                {
                    builder.AddRun(w[0].Word, count, w[0].Zero);
                    for (ulong i = 0; i < count; i++)
                    {
                        words.Add(w[0].Word);
                        zero.Add(w[0].Zero);
                    }
                }
                else
                {
                    builder.Skip(count);
                    for (ulong i = 0; i < count; i++)
                    {
                        words.Add(0);
                        zero.Add(false);
                    }
                }
            }
            return (builder.Build(), words.ToArray(), zero.ToArray());
        });

    [Fact]
    public void ReadsAnyRangeAsTheWordsWereAdded()
    {
        Gen.Select(Images, Gen.Int[0, 3100], Gen.Int[0, 400]).Sample((image, from, length) =>
        {
            var got = new ulong[length];
            Assert.Equal(length, image.Image.Read(Base + (ulong)from, got));
            for (int i = 0; i < length; i++)
            {
                int at = from + i;
                Assert.Equal(at < image.Words.Length ? image.Words[at] : 0UL, got[i]);
            }
        }, iter: 3_000);
    }

    [Fact]
    public void ReadsBeforeTheFirstStoredPageAsZeros()
    {
        var builder = new PagemapImageBuilder();
        builder.Skip(100);
        builder.Add(SyntheticSnapshot.Present | 1);
        var words = new ulong[4];
        Array.Fill(words, ulong.MaxValue);
        Assert.Equal(4, builder.Build().Read(97, words));
        Assert.Equal(new[] { 0UL, 0UL, 0UL, SyntheticSnapshot.Present | 1 }, words);
    }

    [Fact]
    public void StopsAtTheTopOfTheUserAddressSpace()
    {
        ulong last = SnapshotFormat.UserPages - 2;
        Assert.Equal(2, PagemapImage.Empty.Read(last, new ulong[8]));
        Assert.Equal(0, PagemapImage.Empty.Read(SnapshotFormat.UserPages, new ulong[8]));
    }

    [Fact]
    public void ScanAnswersAsTheKernelWould()
    {
        Gen<PageScanQuery> queries = Gen.OneOfConst(
            PageScanQuery.NotEmpty,
            new PageScanQuery(PageCategories.Present, 0, PageCategories.Present),
            new PageScanQuery(0, PageCategories.Swapped, PageCategories.Present | PageCategories.Swapped),
            new PageScanQuery(0, 0, PageCategories.Present),
            new PageScanQuery(PageCategories.PfnZero, 0, PageCategories.PfnZero),
            new PageScanQuery(0, PageCategories.Present | PageCategories.Swapped, PageCategories.Present | PageCategories.PfnZero));
        // With frames, the zero page is known by its frame id (here 7, or none); without, by the marks.
        Gen.Select(Images, queries, Gen.Int[0, 3100], Gen.Int[0, 3200], Gen.Int[0, 5], Gen.ULong[0, 200], Gen.OneOfConst(0UL, 7UL))
            .Sample((image, query, from, to, slots, maxPages, zeroId) =>
        {
            ulong start = Base + (ulong)Math.Min(from, to), end = Base + (ulong)Math.Max(from, to);
            var regions = new PageRegion[slots];
            int found = image.Image.Scan(start, end, query, maxPages, regions, out ulong walkEnd, zeroId);
            var expected = new PageRegion[slots];
            int expectedFound = ReferenceScan(image.Words, image.Zero, zeroId, start, end, query, maxPages, expected, out ulong expectedEnd);
            Assert.Equal(expectedFound, found);
            Assert.Equal(expectedEnd, walkEnd);
            for (int i = 0; i < found; i++)
            {
                Assert.Equal(expected[i].Start, regions[i].Start);
                Assert.Equal(expected[i].End, regions[i].End);
                Assert.Equal(expected[i].Categories, regions[i].Categories);
            }
        }, iter: 5_000);
    }

    [Fact]
    public void ASnapshotProcessDeclinesScansItCannotAnswerExactly()
    {
        using IProcessSource process = SyntheticSnapshot.Source().OpenProcess(SyntheticSnapshot.Parent);
        Assert.True(process.CanScan);
        var query = new PageScanQuery(PageCategories.SoftDirty, 0, PageCategories.SoftDirty);
        Assert.Equal(-1, process.ScanPagemap(0x400000, 0x404000, query, 0, new PageRegion[4], out ulong walkEnd));
        Assert.Equal(0x400000UL, walkEnd);
        Assert.False(process.CanScan);
    }

    /// <summary>Page by page, as pagemap_scan_* in fs/proc/task_mmu.c does it; the walk's end in pages, the runs in bytes.</summary>
    private static int ReferenceScan(ulong[] words, bool[] zero, ulong zeroId, ulong start, ulong end, PageScanQuery query, ulong maxPages,
        PageRegion[] regions, out ulong walkEnd)
    {
        int count = 0;
        ulong reported = 0;
        for (ulong page = start; page < end; page++)
        {
            ulong index = page - Base;
            ulong word = index < (ulong)words.Length ? words[index] : 0;
            bool present = (word >> 63) != 0;
            bool isZero = (index < (ulong)zero.Length && zero[index]) || (present && zeroId != 0 && (word & 0x7FFFFFFFFFFFFF) == zeroId);
            ulong categories = (present ? PageCategories.Present : 0) | (((word >> 62) & 1) != 0 ? PageCategories.Swapped : 0)
                | (isZero ? PageCategories.PfnZero : 0);
            if ((categories & query.Required) != query.Required || (query.AnyOf != 0 && (categories & query.AnyOf) == 0))
            {
                continue;
            }
            ulong returned = categories & query.Returned;
            ulong address = page << 12;
            if (count > 0 && regions[count - 1].End == address && regions[count - 1].Categories == returned)
            {
                regions[count - 1].End += 4096;
            }
            else if (count == regions.Length)
            {
                walkEnd = page;
                return count;
            }
            else
            {
                regions[count++] = new PageRegion { Start = address, End = address + 4096, Categories = returned };
            }
            if (maxPages != 0 && ++reported == maxPages)
            {
                walkEnd = page + 1;
                return count;
            }
        }
        walkEnd = end;
        return count;
    }
}
