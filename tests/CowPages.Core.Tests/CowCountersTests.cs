using System;
using System.Linq;
using System.Reflection;
using CowPages.Decoding;
using CsCheck;
using Xunit;

namespace CowPages.Core.Tests;

// One page at a time, with synthetic kpageflags words and map counts: the expected counters follow smaps_account()
// (fs/proc/task_mmu.c). Every case compares all fields, so a page counted somewhere extra fails too.
public class CowCountersTests
{
    private const ulong Present = 1UL << 63;
    private const ulong Swap = 1UL << 62;
    private const ulong File = 1UL << 61;
    private const ulong Exclusive = 1UL << 56;
    private const ulong GuardRoot = 0x440000000000009fUL;

    private const ulong ZeroPfn = 0x2a0c;
    private const ulong FullPss = 4096UL << 12;

    // kpageflags bit positions as literals (include/uapi/linux/kernel-page-flags.h).
    private const ulong KpfLru = 1UL << 5;
    private const ulong KpfMmap = 1UL << 11;
    private const ulong KpfAnon = 1UL << 12;
    private const ulong KpfSwapBacked = 1UL << 14;
    private const ulong KpfCompoundHead = 1UL << 15;
    private const ulong KpfCompoundTail = 1UL << 16;
    private const ulong KpfHuge = 1UL << 17;
    private const ulong KpfKsm = 1UL << 21;
    private const ulong KpfThp = 1UL << 22;
    private const ulong KpfZeroPage = 1UL << 24;
    private const ulong KpfReserved = 1UL << 32;
    private const ulong KpfOwner2 = 1UL << 34;

    private const ulong AnonPage = KpfAnon | KpfSwapBacked | KpfLru | KpfMmap;

    private static FrameInfo Frame(ulong flags, ulong mapCount) => new() { Flags = flags, MapCount = mapCount, Found = true };

    private static CowCounters Exact(ulong raw, FrameInfo frame, ulong zeroPfn = ZeroPfn, bool fileBacked = false)
    {
        var c = new CowCounters();
        c.AddExact(new PagemapWord(raw), frame, zeroPfn, fileBacked);
        return c;
    }

    private static CowCounters FromFlags(ulong raw, bool fileBacked = false, bool shmemMapping = false)
    {
        var c = new CowCounters();
        c.AddFromFlags(new PagemapWord(raw), fileBacked, shmemMapping);
        return c;
    }

    private static readonly FieldInfo[] Fields = typeof(CowCounters).GetFields(BindingFlags.Public | BindingFlags.Instance);

    /// <summary>Compares every public field, naming the first that differs.</summary>
    private static void AssertCounters(CowCounters expected, CowCounters actual)
    {
        foreach (FieldInfo f in Fields)
        {
            Assert.True(Equals(f.GetValue(expected), f.GetValue(actual)),
                $"{f.Name}: expected {f.GetValue(expected)}, got {f.GetValue(actual)}");
        }
    }

    [Fact]
    public void CountersHaveTheExpectedFields()
    {
        // Guards the reflection above: if a field is added, the cases here must say what it should be.
        Assert.Equal(
            ["Anonymous", "CowPrivate", "CowShared", "File", "FileCopies", "Ksm", "LargeFolio", "PssFixed", "Rss", "Shmem", "Swap", "Uss", "Zero"],
            Fields.Select(f => f.Name).Order());
    }

    // ---- AddExact ----

    [Fact]
    public void PrivateAnonymousPageMappedOnce()
    {
        CowCounters c = Exact(Present | Exclusive | 0x1234, Frame(AnonPage | KpfOwner2, 1));
        AssertCounters(new CowCounters { Rss = 1, Uss = 1, Anonymous = 1, CowPrivate = 1, PssFixed = FullPss }, c);
        Assert.Equal(4096UL, c.PssFixed >> CowCounters.PssShift);
    }

    [Fact]
    public void AnonymousPageMappedThreeTimesIsCowShared()
    {
        CowCounters c = Exact(Present | 0x1234, Frame(AnonPage, 3));
        // Integer division, as the kernel does: (4096 << 12) / 3 = 5592405.
        AssertCounters(new CowCounters { Rss = 1, Anonymous = 1, CowShared = 1, PssFixed = 5592405 }, c);
        Assert.Equal(FullPss / 3, c.PssFixed);
    }

    [Fact]
    public void AnonymousPageMappedTwiceHalvesPss()
    {
        CowCounters c = Exact(Present | 0x1234, Frame(AnonPage, 2));
        Assert.Equal(2048UL, c.PssFixed >> CowCounters.PssShift);
        Assert.Equal(1UL, c.CowShared);
    }

    [Fact]
    public void KsmPageIsKsmNotCow()
    {
        CowCounters c = Exact(Present | 0x1b3f00, Frame(AnonPage | KpfKsm, 4));
        AssertCounters(new CowCounters { Rss = 1, Anonymous = 1, Ksm = 1, PssFixed = FullPss / 4 }, c);
    }

    [Fact]
    public void KsmPageInFileMappingIsNotAFileCopy()
    {
        CowCounters c = Exact(Present | 0x1b3f00, Frame(AnonPage | KpfKsm, 2), fileBacked: true);
        AssertCounters(new CowCounters { Rss = 1, Anonymous = 1, Ksm = 1, PssFixed = FullPss / 2 }, c);
    }

    [Fact]
    public void ZeroPageByPfn()
    {
        // The 4 KiB zero page: map count 0 (not rmap-tracked); here without the flag, so the PFN must decide.
        AssertCounters(new CowCounters { Zero = 1 }, Exact(Present | ZeroPfn, Frame(0, 0)));
        AssertCounters(new CowCounters { Zero = 1 }, Exact(Present | ZeroPfn, Frame(AnonPage, 1)));
    }

    [Fact]
    public void ZeroPageByFlag()
    {
        // zeroPfn unknown (0): KPF_ZERO_PAGE still identifies it. 0x101000000 is what the zero PFN reads on 6.18.
        AssertCounters(new CowCounters { Zero = 1 }, Exact(Present | 0x2a0c, Frame(KpfZeroPage | KpfReserved, 0), zeroPfn: 0));
        // The huge zero page: ZERO_PAGE|THP, PM_FILE set; it is neither Rss nor a large folio.
        AssertCounters(new CowCounters { Zero = 1 }, Exact(Present | File | 0x3c00, Frame(KpfZeroPage | KpfThp | KpfCompoundHead, 0), zeroPfn: 0));
    }

    [Fact]
    public void UnknownZeroPfnDoesNotMakePfnZeroTheZeroPage()
    {
        CowCounters c = Exact(Present | Exclusive, Frame(AnonPage, 1), zeroPfn: 0);
        Assert.Equal(0UL, c.Zero);
        Assert.Equal(1UL, c.Rss);
    }

    [Fact]
    public void MapCountZeroIsLeftOutOfRss()
    {
        // VM_PFNMAP frames and other pages without rmap accounting: smaps leaves them out, so do we.
        AssertCounters(new CowCounters(), Exact(Present | 0x77777, Frame(KpfReserved, 0)));
        AssertCounters(new CowCounters(), Exact(Present | 0x77777, Frame(AnonPage, 0)));
    }

    [Fact]
    public void PageCachePageIsFile()
    {
        CowCounters c = Exact(Present | File | 0x4000, Frame(KpfLru | KpfMmap | KpfThp | KpfCompoundHead, 2), fileBacked: true);
        AssertCounters(new CowCounters { Rss = 1, File = 1, LargeFolio = 1, PssFixed = FullPss / 2 }, c);
        c = Exact(Present | File | Exclusive | 0x4001, Frame(KpfLru | KpfMmap, 1), fileBacked: true);
        AssertCounters(new CowCounters { Rss = 1, Uss = 1, File = 1, PssFixed = FullPss }, c);
    }

    [Fact]
    public void ShmemPageIsSwapBackedWithoutAnon()
    {
        CowCounters c = Exact(Present | File | Exclusive | 0x5000, Frame(KpfSwapBacked | KpfLru | KpfMmap, 1), fileBacked: true);
        AssertCounters(new CowCounters { Rss = 1, Uss = 1, Shmem = 1, PssFixed = FullPss }, c);
    }

    [Fact]
    public void CowCopyInFileMappingIsAFileCopy()
    {
        // A written MAP_PRIVATE file page: PM_FILE clear, ANON|SWAPBACKED|OWNER_2 (observed on 6.18).
        CowCounters c = Exact(Present | Exclusive | 0x6000, Frame(AnonPage | KpfOwner2, 1), fileBacked: true);
        AssertCounters(new CowCounters { Rss = 1, Uss = 1, Anonymous = 1, CowPrivate = 1, FileCopies = 1, PssFixed = FullPss }, c);
        c = Exact(Present | 0x6000, Frame(AnonPage, 2), fileBacked: true);
        AssertCounters(new CowCounters { Rss = 1, Anonymous = 1, CowShared = 1, FileCopies = 1, PssFixed = FullPss / 2 }, c);
    }

    [Theory]
    [InlineData(KpfCompoundHead | KpfThp)]
    [InlineData(KpfCompoundTail | KpfThp)]
    [InlineData(KpfThp)]
    [InlineData(KpfCompoundHead)]
    [InlineData(KpfHuge | KpfCompoundTail)]
    public void LargeFolioPagesAreCounted(ulong folioFlags)
    {
        CowCounters c = Exact(Present | 0x200000, Frame(AnonPage | folioFlags, 2));
        AssertCounters(new CowCounters { Rss = 1, Anonymous = 1, CowShared = 1, LargeFolio = 1, PssFixed = FullPss / 2 }, c);
    }

    [Theory]
    [InlineData(Swap | (0x1234UL << 5) | 3)]   // as root: type 3, offset 0x1234
    [InlineData(Swap)]                          // unprivileged: slot hidden
    [InlineData(Swap | Exclusive)]              // stray flag bits change nothing
    public void SwapEntryIsSwap(ulong raw)
    {
        AssertCounters(new CowCounters { Swap = 1 }, Exact(raw, default));
        AssertCounters(new CowCounters { Swap = 1 }, FromFlags(raw));
    }

    [Theory]
    [InlineData(GuardRoot)]
    [InlineData(0x4400000000000000UL)]
    [InlineData(0UL)]
    [InlineData(1UL << 55)]
    public void GuardMarkerAndHoleCountNothing(ulong raw)
    {
        AssertCounters(new CowCounters(), Exact(raw, default));
        AssertCounters(new CowCounters(), FromFlags(raw, fileBacked: true, shmemMapping: true));
    }

    [Fact]
    public void AddExactAccumulates()
    {
        var c = new CowCounters();
        c.AddExact(new PagemapWord(Present | Exclusive | 0x10), Frame(AnonPage, 1), ZeroPfn, false);
        c.AddExact(new PagemapWord(Present | 0x11), Frame(AnonPage, 2), ZeroPfn, false);
        c.AddExact(new PagemapWord(Present | ZeroPfn), Frame(0, 0), ZeroPfn, false);
        c.AddExact(new PagemapWord(Swap | 0x40), default, ZeroPfn, false);
        AssertCounters(new CowCounters
        {
            Rss = 2, Uss = 1, Anonymous = 2, CowPrivate = 1, CowShared = 1, Zero = 1, Swap = 1, PssFixed = FullPss + FullPss / 2,
        }, c);
    }

    // ---- AddFromFlags ----

    [Fact]
    public void FromFlagsExclusiveIsPrivate()
    {
        AssertCounters(new CowCounters { Rss = 1, Uss = 1, Anonymous = 1, CowPrivate = 1 }, FromFlags(Present | Exclusive));
    }

    [Fact]
    public void FromFlagsNonExclusiveIsShared()
    {
        // Without root a zero page or a KSM page looks the same, and counts here too.
        AssertCounters(new CowCounters { Rss = 1, Anonymous = 1, CowShared = 1 }, FromFlags(Present));
    }

    [Fact]
    public void FromFlagsAnonymousInFileMappingIsAFileCopy()
    {
        AssertCounters(new CowCounters { Rss = 1, Uss = 1, Anonymous = 1, CowPrivate = 1, FileCopies = 1 },
            FromFlags(Present | Exclusive, fileBacked: true));
        AssertCounters(new CowCounters { Rss = 1, Anonymous = 1, CowShared = 1, FileCopies = 1 },
            FromFlags(Present, fileBacked: true));
    }

    [Fact]
    public void FromFlagsFileBitInShmemMappingIsShmem()
    {
        AssertCounters(new CowCounters { Rss = 1, Shmem = 1 }, FromFlags(Present | File, fileBacked: true, shmemMapping: true));
        AssertCounters(new CowCounters { Rss = 1, Uss = 1, Shmem = 1 }, FromFlags(Present | File | Exclusive, fileBacked: true, shmemMapping: true));
    }

    [Fact]
    public void FromFlagsFileBitElsewhereIsFile()
    {
        AssertCounters(new CowCounters { Rss = 1, File = 1 }, FromFlags(Present | File, fileBacked: true));
        AssertCounters(new CowCounters { Rss = 1, Uss = 1, File = 1 }, FromFlags(Present | File | Exclusive, fileBacked: true));
    }

    [Fact]
    public void FromFlagsLeavesPssZero()
    {
        // Pss without map counts comes from smaps, not from here.
        Assert.Equal(0UL, FromFlags(Present | Exclusive).PssFixed);
    }

    // ---- Add ----

    [Fact]
    public void AddSumsEveryField()
    {
        // Distinct values per field (powers of two apart), so a field added to the wrong one or dropped shows.
        var a = new CowCounters();
        var b = new CowCounters();
        object boxedA = a, boxedB = b;
        for (int i = 0; i < Fields.Length; i++)
        {
            Fields[i].SetValue(boxedA, 1UL << i);
            Fields[i].SetValue(boxedB, 1UL << (i + 20));
        }
        a = (CowCounters)boxedA;
        b = (CowCounters)boxedB;
        a.Add(b);
        for (int i = 0; i < Fields.Length; i++)
        {
            Assert.True((1UL << i) + (1UL << (i + 20)) == (ulong)Fields[i].GetValue(a)!, $"{Fields[i].Name} was not summed");
        }
        // And b is unchanged.
        for (int i = 0; i < Fields.Length; i++)
        {
            Assert.Equal(1UL << (i + 20), (ulong)Fields[i].GetValue(b)!);
        }
    }

    // ---- Invariants over random mixes ----

    private static readonly Gen<ulong> GenFlags = Gen.Frequency(
        (4, Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool).Select((anon, swapBacked, ksm, thp, zero, tail) =>
            (anon ? KpfAnon : 0) | (swapBacked ? KpfSwapBacked : 0) | (ksm ? KpfKsm | KpfAnon : 0) | (thp ? KpfThp | KpfCompoundHead : 0)
            | (zero ? KpfZeroPage : 0) | (tail ? KpfCompoundTail : 0) | KpfMmap)),
        (1, Gen.ULong));

    private static readonly Gen<ulong> GenWord = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, 3], Gen.Bool, Gen.Bool, Gen.ULong[0, 4]).Select((kind, file, excl, pfn) =>
            (kind switch { 0 => 0UL, 1 => Present, 2 => Swap, _ => GuardRoot }) | (file ? File : 0) | (excl ? Exclusive : 0)
            | (pfn == 4 ? ZeroPfn : 0x1000 + pfn))),
        (1, Gen.ULong));

    private static readonly Gen<(ulong Word, FrameInfo Frame, bool FileBacked, bool Shmem)> GenPage =
        Gen.Select(GenWord, GenFlags, Gen.ULong[0, 4], Gen.Bool, Gen.Bool)
            .Select((w, f, n, fileBacked, shmem) => (w, Frame(f, n), fileBacked, shmem));

    private static void AssertInvariants(CowCounters c, int pages)
    {
        Assert.Equal(c.Anonymous, c.CowShared + c.CowPrivate + c.Ksm);
        Assert.Equal(c.Rss, c.Anonymous + c.File + c.Shmem);
        Assert.True(c.Uss <= c.Rss, "Uss > Rss");
        Assert.True(c.FileCopies <= c.CowShared + c.CowPrivate, "FileCopies > CowShared + CowPrivate");
        Assert.True(c.LargeFolio <= c.Rss, "LargeFolio > Rss");
        Assert.True(c.PssFixed <= c.Rss * FullPss, "Pss > Rss");
        Assert.True(c.Uss * FullPss <= c.PssFixed, "Pss < Uss");
        Assert.True(c.Rss + c.Swap + c.Zero <= (ulong)pages, "a page counted twice");
    }

    [Fact]
    public void ExactInvariantsHoldOverRandomMixes()
    {
        GenPage.Array[0, 64].Sample(pages =>
        {
            var c = new CowCounters();
            foreach ((ulong word, FrameInfo frame, bool fileBacked, _) in pages)
            {
                c.AddExact(new PagemapWord(word), frame, ZeroPfn, fileBacked);
            }
            AssertInvariants(c, pages.Length);
        }, iter: 20_000);
    }

    [Fact]
    public void FromFlagsInvariantsHoldOverRandomMixes()
    {
        GenPage.Array[0, 64].Sample(pages =>
        {
            var c = new CowCounters();
            foreach ((ulong word, _, bool fileBacked, bool shmem) in pages)
            {
                c.AddFromFlags(new PagemapWord(word), fileBacked, shmem);
            }
            Assert.Equal(0UL, c.Ksm);
            Assert.Equal(0UL, c.Zero);
            Assert.Equal(c.Anonymous, c.CowShared + c.CowPrivate + c.Ksm);
            Assert.Equal(c.Rss, c.Anonymous + c.File + c.Shmem);
            Assert.True(c.Uss <= c.Rss, "Uss > Rss");
            Assert.True(c.Rss + c.Swap <= (ulong)pages.Length, "a page counted twice");
        }, iter: 20_000);
    }

    [Fact]
    public void AddOfPartsEqualsWholeWalk()
    {
        // Summing per-mapping counters (as -ByMapping does) must give the same totals as one walk.
        GenPage.Array[0, 64].Select(Gen.Int[0, 64]).Sample((pages, cut) =>
        {
            cut = Math.Min(cut, pages.Length);
            CowCounters whole = new(), left = new(), right = new();
            for (int i = 0; i < pages.Length; i++)
            {
                var word = new PagemapWord(pages[i].Word);
                whole.AddExact(word, pages[i].Frame, ZeroPfn, pages[i].FileBacked);
                if (i < cut)
                {
                    left.AddExact(word, pages[i].Frame, ZeroPfn, pages[i].FileBacked);
                }
                else
                {
                    right.AddExact(word, pages[i].Frame, ZeroPfn, pages[i].FileBacked);
                }
            }
            left.Add(right);
            AssertCounters(whole, left);
        }, iter: 5_000);
    }
}
