using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace CowPages.Core.Tests;

// The kpage* files are root-only, so these tests read the live files when run as root and otherwise
// check that the refusal is explained. Live frames change under us (LRU moves, allocations), so the
// lookup test only uses frames that read the same twice, and retries before calling a difference a bug.
public class FrameReaderTests
{
    // Far beyond any machine's memory (4 PiB), but small enough that PFN * 8 is a valid file offset.
    private const ulong BeyondEnd = 1UL << 40;

    private const int ScanLength = 3 * FrameReader.MaxWindow;

    private static FrameReader OpenReader() => FrameReader.Open(LiveProcfsSource.Open(), FrameFields.All);

    [NonRootFact]
    public void OpeningWithoutRootIsAccessDeniedNamingKpageflags()
    {
        var e = Assert.Throws<ProcfsException>(OpenReader);
        Assert.Equal(ProcfsErrorKind.AccessDenied, e.Kind);
        Assert.Equal("/proc/kpageflags", e.Path);
        Assert.Contains("/proc/kpageflags", e.Message);
    }

    [RootFact]
    public void LookupInShuffledOrderWithDuplicatesMatchesSingleReads()
    {
        using FrameReader reader = OpenReader();

        ulong[] query = BuildQuery(StableFrames(reader));
        // Without several distinct answers a lookup that mixed up its results could still pass.
        Assert.True(query.Select(p => Key(Single(reader, p))).Distinct().Count() >= 3,
            "too few distinct frames to tell results apart");

        var batch = new FrameInfo[query.Length];
        string? mismatch = null;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            FrameInfo[] before = query.Select(p => Single(reader, p)).ToArray();
            reader.Lookup(query, batch);
            mismatch = FirstMismatch(reader, query, before, batch);
            if (mismatch is null)
            {
                break;
            }
        }
        Assert.Null(mismatch);

        for (int i = 0; i < query.Length; i++)
        {
            Assert.Equal(query[i] != BeyondEnd, batch[i].Found);
        }
        FrameInfo beyond = batch[Array.IndexOf(query, BeyondEnd)];
        Assert.Equal(0UL, beyond.Flags);
        Assert.Equal(0UL, beyond.MapCount);
    }

    [RootFact]
    public void LooksUpOneFileForSomeFramesInPlace()
    {
        using FrameReader reader = OpenReader();
        ulong[] query = BuildQuery(StableFrames(reader)).Where(p => p != BeyondEnd).ToArray();
        int[] slots = Enumerable.Range(0, query.Length).Where(i => i % 3 != 0).ToArray();
        ulong[] wanted = slots.Select(i => query[i]).ToArray();
        const ulong Untouched = 0xC0FFEE;

        bool agreed = false;
        for (int attempt = 0; attempt < 5 && !agreed; attempt++)
        {
            var full = new FrameInfo[query.Length];
            reader.Lookup(query, full);
            var partial = new FrameInfo[query.Length];
            reader.Lookup(query, partial, FrameFields.Flags, default);
            foreach (int i in Enumerable.Range(0, query.Length))
            {
                partial[i].MapCount = Untouched;
            }
            reader.Lookup(wanted, partial, FrameFields.MapCount, slots);
            agreed = Enumerable.Range(0, query.Length).All(i =>
                partial[i].Flags == full[i].Flags && partial[i].Found &&
                partial[i].MapCount == (i % 3 == 0 ? Untouched : full[i].MapCount));
        }
        Assert.True(agreed, "the flags-only lookup plus map counts for two thirds of the frames differ from one full lookup");
    }

    [RootFact]
    public void ReadRangeStopsAtTheEndOfPhysicalMemory()
    {
        using FrameReader reader = OpenReader();

        var none = new FrameInfo[4];
        Assert.Equal(0, reader.ReadRange(BeyondEnd, none));
        Assert.All(none, f => Assert.False(f.Found));

        ulong end = EndPfn(reader);
        var straddle = new FrameInfo[4];
        Assert.Equal(2, reader.ReadRange(end - 2, straddle));
        Assert.Equal([true, true, false, false], straddle.Select(f => f.Found));
    }

    [Fact]
    public void AccessDeniedOnKpageFilesSaysToRunAsRoot()
    {
        // The refusal's text, checked even when the suite runs as root.
        ProcfsException e = Errno.ToException(LibC.EACCES, "open", "/proc/kpageflags", null);
        Assert.Equal(ProcfsErrorKind.AccessDenied, e.Kind);
        Assert.Equal(LibC.EACCES, e.Errno);
        Assert.Contains("/proc/kpageflags", e.Message);
        Assert.Contains("root", e.Message);
    }

    private static (ulong, ulong, ulong, bool) Key(FrameInfo f) => (f.Flags, f.MapCount, f.CgroupInode, f.Found);

    private static FrameInfo Single(FrameReader reader, ulong pfn)
    {
        var one = new FrameInfo[1];
        reader.ReadRange(pfn, one);
        return one[0];
    }

    /// <summary>
    /// The first frame whose lookup differs from single reads of it. A live frame may change while the lookup runs
    /// (LRU moves, allocations by other processes): a frame whose single reads just before and just after the lookup
    /// disagree changed meanwhile, and says nothing about the lookup.
    /// </summary>
    private static string? FirstMismatch(FrameReader reader, ulong[] query, FrameInfo[] before, FrameInfo[] batch)
    {
        for (int i = 0; i < query.Length; i++)
        {
            FrameInfo single = Single(reader, query[i]);
            if (Key(single) != Key(batch[i]) && Key(single) == Key(before[i]))
            {
                return $"PFN 0x{query[i]:x} at index {i}: lookup {Key(batch[i])}, single read {Key(single)}";
            }
        }
        return null;
    }

    /// <summary>Frames among the first <see cref="ScanLength"/> whose three words read the same twice.</summary>
    private static List<(ulong Pfn, FrameInfo Info)> StableFrames(FrameReader reader)
    {
        var first = new FrameInfo[ScanLength];
        var second = new FrameInfo[ScanLength];
        // Touch both buffers first, so that faulting them in does not change frames between the two scans.
        Array.Fill(first, new FrameInfo { Found = true });
        Array.Fill(second, new FrameInfo { Found = true });
        int n = Math.Min(reader.ReadRange(0, first), reader.ReadRange(0, second));
        Assert.True(n > 0, "kpageflags returned no frames");
        var stable = new List<(ulong, FrameInfo)>();
        for (int i = 0; i < n; i++)
        {
            if (Key(first[i]) == Key(second[i]))
            {
                stable.Add(((ulong)i, first[i]));
            }
        }
        return stable;
    }

    /// <summary>
    /// One PFN for each distinct answer, with its neighbour (same window); every (MaxGap - 1)th stable PFN, a chain
    /// under MaxGap apart wherever frames are stable, spanning several MaxWindows so that windows both
    /// merge and split; a third of them again; and one PFN past the end. Shuffled.
    /// </summary>
    private static ulong[] BuildQuery(List<(ulong Pfn, FrameInfo Info)> stable)
    {
        var seen = new HashSet<(ulong, ulong, ulong, bool)>();
        var stablePfns = stable.Select(f => f.Pfn).ToHashSet();
        var pfns = new List<ulong>();
        foreach ((ulong pfn, FrameInfo info) in stable)
        {
            if (seen.Count < 64 && seen.Add(Key(info)))
            {
                pfns.Add(pfn);
                if (stablePfns.Contains(pfn + 1))
                {
                    pfns.Add(pfn + 1);
                }
            }
        }
        pfns.AddRange(stablePfns.Where(p => p % (FrameReader.MaxGap - 1) == 0));
        pfns.AddRange(pfns.Where((_, i) => i % 3 == 0).ToList());
        pfns.Add(BeyondEnd);
        ulong[] query = pfns.ToArray();
        new Random(20240601).Shuffle(query);
        return query;
    }

    /// <summary>The first PFN past the end of /proc/kpageflags, by bisection.</summary>
    private static ulong EndPfn(FrameReader reader)
    {
        ulong lo = 0, hi = BeyondEnd;   // frame lo exists, frame hi does not
        var one = new FrameInfo[1];
        while (hi - lo > 1)
        {
            ulong mid = lo + (hi - lo) / 2;
            if (reader.ReadRange(mid, one) == 1)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return hi;
    }
}
