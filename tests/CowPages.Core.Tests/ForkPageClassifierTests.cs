using CowPages.Decoding;
using CsCheck;
using Xunit;

namespace CowPages.Core.Tests;

// Synthetic pagemap words for every state, including the ones the test kernel cannot produce: it boots without
// the shared zero page, and KSM and swap are hard to arrange on both sides of a live fork. Bits are literals from
// fs/proc/task_mmu.c (PM_*), not PagemapWord's constants, so a wrong constant fails here.
public class ForkPageClassifierTests
{
    private const ulong Present = 1UL << 63;
    private const ulong Swap = 1UL << 62;
    private const ulong File = 1UL << 61;
    private const ulong Exclusive = 1UL << 56;
    private const ulong SoftDirty = 1UL << 55;

    /// <summary>The raw guard-marker word observed as root on 6.18: swap=1, guard=1, marker swap encoding.</summary>
    private const ulong GuardRoot = 0x440000000000009fUL;
    /// <summary>The same marker read without CAP_SYS_ADMIN.</summary>
    private const ulong GuardUnprivileged = 0x4400000000000000UL;

    private const ulong ZeroPfn = 0x2a0c;
    private const ulong KsmPfn = 0x1b3f00;

    private static PagemapWord W(ulong raw) => new(raw);

    private static PagemapWord Anon(ulong pfn, bool exclusive = false) => W(Present | (exclusive ? Exclusive : 0) | pfn);

    /// <summary>A swap entry: bit 62, not 63; type in bits 0-4, offset in bits 5-54.</summary>
    private static PagemapWord Swapped(uint type, ulong offset) => W(Swap | (offset << 5) | type);

    private static ForkPageState ByPfn(PagemapWord r, PagemapWord d, ulong zeroPfn = ZeroPfn, bool privateAnonymous = true) =>
        ForkPageClassifier.ByPfn(r, d, zeroPfn, privateAnonymous);

    // ---- ByPfn ----

    [Fact]
    public void SamePfnIsShared()
    {
        Assert.Equal(ForkPageState.Shared, ByPfn(Anon(0x1234), Anon(0x1234)));
        Assert.Equal(ForkPageState.Shared, ByPfn(Anon(0x1234), Anon(0x1234), privateAnonymous: false));
    }

    [Fact]
    public void DifferentPfnsAreCopied()
    {
        // After the child's write: the child has a new exclusive frame, the parent keeps the old one (exclusive too).
        Assert.Equal(ForkPageState.Copied, ByPfn(Anon(0x1234, exclusive: true), Anon(0x5678, exclusive: true)));
        Assert.Equal(ForkPageState.Copied, ByPfn(Anon(0x1234), Anon(0x1235)));
    }

    [Fact]
    public void ExclusiveBitDoesNotOverrideSamePfn()
    {
        // Bit 56 = 1 does not prove a copy (reference §7.1): with PFNs, the frame decides.
        Assert.Equal(ForkPageState.Shared, ByPfn(Anon(0x1234, exclusive: true), Anon(0x1234)));
    }

    [Fact]
    public void SharedZeroPfnIsZero()
    {
        Assert.Equal(ForkPageState.Zero, ByPfn(Anon(ZeroPfn), Anon(ZeroPfn)));
        // The PFN alone decides: the mapping kind does not matter for the 4 KiB zero page.
        Assert.Equal(ForkPageState.Zero, ByPfn(Anon(ZeroPfn), Anon(ZeroPfn), privateAnonymous: false));
    }

    [Fact]
    public void ZeroPageOnOneSideAndAWrittenPageOnTheOtherIsCopied()
    {
        Assert.Equal(ForkPageState.Copied, ByPfn(Anon(ZeroPfn), Anon(0x9999, exclusive: true)));
        Assert.Equal(ForkPageState.Copied, ByPfn(Anon(0x9999, exclusive: true), Anon(ZeroPfn)));
    }

    [Fact]
    public void HugeZeroPageInPrivateAnonymousMappingIsZero()
    {
        // The PMD huge zero folio is not anon, so pagemap sets PM_FILE; in a private anonymous VMA nothing else can.
        const ulong hugeZero = 0x3c00;
        Assert.Equal(ForkPageState.Zero, ByPfn(W(Present | File | hugeZero), W(Present | File | hugeZero)));
    }

    [Fact]
    public void FilePageInFileMappingIsSharedNotZero()
    {
        // The same page-cache frame in a file mapping: PM_FILE means a file page there, not the huge zero page.
        Assert.Equal(ForkPageState.Shared, ByPfn(W(Present | File | 0x4000), W(Present | File | 0x4000), privateAnonymous: false));
    }

    [Fact]
    public void VdsoPageIsSharedNotZero()
    {
        // Read live on 6.18 from a forked pair: [vdso] (r-xp, inode 0) maps a kernel page with PM_FILE on both sides,
        // 0xa000000000002861. It is the same frame, not the huge zero page, so its segment must not be treated as
        // private anonymous (see ForkSegmentsTests.PrivateAnonymousMeansAnAnonymousVma).
        var vdso = new MemoryMapping(0x7fa9a2a3d000, 0x7fa9a2a3f000, "r-xp", 0, "00:00", 0, "[vdso]", false);
        ForkSegment segment = Assert.Single(ForkSegments.Build([vdso], [vdso], PageSelection.All));
        PagemapWord page = W(0xa000000000002861UL);
        Assert.Equal(ForkPageState.Shared, ForkPageClassifier.ByPfn(page, page, ZeroPfn, segment.PrivateAnonymous));
        PagemapWord hidden = W(0xa000000000000000UL);
        Assert.Equal(ForkPageState.Shared, ForkPageClassifier.ByExclusiveBit(hidden, hidden, segment.PrivateAnonymous));
    }

    [Fact]
    public void ZeroPfnZeroMeansUnknown()
    {
        // zeroPfn 0 is "not found", not "frame 0 is the zero page": PFN-0 pages stay Shared.
        Assert.Equal(ForkPageState.Shared, ByPfn(Anon(0), Anon(0), zeroPfn: 0));
        // Without a known zero frame, the real zero page cannot be recognised and reads as Shared.
        Assert.Equal(ForkPageState.Shared, ByPfn(Anon(ZeroPfn), Anon(ZeroPfn), zeroPfn: 0));
    }

    [Fact]
    public void SameKsmPageIsShared()
    {
        // A merged page is ANON|KSM, PM_FILE clear, normally not exclusive.
        Assert.Equal(ForkPageState.Shared, ByPfn(Anon(KsmPfn), Anon(KsmPfn)));
    }

    [Fact]
    public void DifferentKsmPagesAreCopied()
    {
        Assert.Equal(ForkPageState.Copied, ByPfn(Anon(KsmPfn), Anon(KsmPfn + 1)));
    }

    [Fact]
    public void PresentOnlyInReference()
    {
        Assert.Equal(ForkPageState.ReferenceOnly, ByPfn(Anon(0x1234), W(0)));
        Assert.Equal(ForkPageState.ReferenceOnly, ByPfn(W(Present | File | 0x4000), W(0), privateAnonymous: false));
    }

    [Fact]
    public void PresentOnlyInDifference()
    {
        Assert.Equal(ForkPageState.DifferenceOnly, ByPfn(W(0), Anon(0x1234)));
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(SoftDirty, 0UL)]          // soft-dirty on a hole of a VM_SOFTDIRTY VMA
    [InlineData(SoftDirty, SoftDirty)]
    [InlineData(File, 0UL)]               // stray flag bits do not make a page
    [InlineData(0x12345UL, 0UL)]          // nor do stray frame bits
    public void NeitherPresentIsNotPresent(ulong reference, ulong difference)
    {
        Assert.Equal(ForkPageState.NotPresent, ByPfn(W(reference), W(difference)));
        Assert.Equal(ForkPageState.NotPresent, ByPfn(W(difference), W(reference)));
    }

    [Fact]
    public void SwappedOnReferenceSide()
    {
        Assert.Equal(ForkPageState.Swapped, ByPfn(Swapped(3, 0x1234), Anon(0x1234)));
        Assert.Equal(ForkPageState.Swapped, ByPfn(Swapped(3, 0x1234), W(0)));
    }

    [Fact]
    public void SwappedOnDifferenceSide()
    {
        Assert.Equal(ForkPageState.Swapped, ByPfn(Anon(0x1234), Swapped(0, 0x77)));
        Assert.Equal(ForkPageState.Swapped, ByPfn(W(0), Swapped(0, 0x77)));
    }

    [Fact]
    public void SwappedOnBothSides()
    {
        // The same swap slot on both sides (swapped while still shared) and different slots.
        Assert.Equal(ForkPageState.Swapped, ByPfn(Swapped(1, 0x4242), Swapped(1, 0x4242)));
        Assert.Equal(ForkPageState.Swapped, ByPfn(Swapped(1, 0x4242), Swapped(2, 0x10)));
    }

    [Fact]
    public void UnprivilegedSwapEntryWithHiddenSlotIsSwapped()
    {
        // Without CAP_SYS_ADMIN the type and offset read 0; bit 62 alone still means a swapped page.
        Assert.Equal(ForkPageState.Swapped, ByPfn(W(Swap), W(Present), zeroPfn: 0));
    }

    [Theory]
    [InlineData(GuardRoot, GuardRoot)]
    [InlineData(GuardUnprivileged, GuardUnprivileged)]
    [InlineData(GuardRoot, 0UL)]
    [InlineData(0UL, GuardRoot)]
    public void GuardMarkersAreNotPresentNotSwapped(ulong reference, ulong difference)
    {
        Assert.Equal(ForkPageState.NotPresent, ByPfn(W(reference), W(difference)));
        Assert.Equal(ForkPageState.NotPresent, ForkPageClassifier.ByExclusiveBit(W(reference), W(difference), true));
    }

    [Fact]
    public void GuardMarkerOppositeAPresentPageIsOneSided()
    {
        Assert.Equal(ForkPageState.DifferenceOnly, ByPfn(W(GuardRoot), Anon(0x1234)));
        Assert.Equal(ForkPageState.ReferenceOnly, ByPfn(Anon(0x1234), W(GuardRoot)));
    }

    [Fact]
    public void GuardMarkerOppositeASwappedPageIsSwapped()
    {
        Assert.Equal(ForkPageState.Swapped, ByPfn(W(GuardRoot), Swapped(2, 0x99)));
        Assert.Equal(ForkPageState.Swapped, ByPfn(Swapped(2, 0x99), W(GuardRoot)));
    }

    [Fact]
    public void IsSwappedOutExcludesGuardAndPresent()
    {
        Assert.True(Swapped(3, 0x1234).SwappedOut);
        Assert.True(W(Swap).SwappedOut);
        Assert.False(W(GuardRoot).SwappedOut);
        Assert.False(W(GuardUnprivileged).SwappedOut);
        Assert.False(W(Present | Swap | 0x1).SwappedOut);
        Assert.False(W(0).SwappedOut);
    }

    // ---- ByExclusiveBit (no PFNs: bits 0-54 read 0) ----

    private static ForkPageState ByBit(ulong reference, ulong difference, bool privateAnonymous = true) =>
        ForkPageClassifier.ByExclusiveBit(W(reference), W(difference), privateAnonymous);

    [Theory]
    [InlineData(Present | Exclusive, Present)]
    [InlineData(Present, Present | Exclusive)]
    [InlineData(Present | Exclusive, Present | Exclusive)]
    public void EitherSideExclusiveIsCopied(ulong reference, ulong difference)
    {
        Assert.Equal(ForkPageState.Copied, ByBit(reference, difference));
        Assert.Equal(ForkPageState.Copied, ByBit(reference, difference, privateAnonymous: false));
    }

    [Fact]
    public void BothNonExclusiveAnonymousIsShared()
    {
        Assert.Equal(ForkPageState.Shared, ByBit(Present, Present));
        Assert.Equal(ForkPageState.Shared, ByBit(Present, Present, privateAnonymous: false));
    }

    [Theory]
    [InlineData(Present | File, Present | Exclusive)]   // parent still maps the page cache, child wrote a copy
    [InlineData(Present | File, Present)]
    [InlineData(Present | Exclusive, Present | File)]   // parent wrote, child still maps the page cache
    [InlineData(Present | File | Exclusive, Present)]
    public void PageCacheOppositeAnAnonymousCopyIsCopied(ulong reference, ulong difference)
    {
        Assert.Equal(ForkPageState.Copied, ByBit(reference, difference, privateAnonymous: false));
    }

    [Fact]
    public void BothPageCacheIsShared()
    {
        Assert.Equal(ForkPageState.Shared, ByBit(Present | File, Present | File, privateAnonymous: false));
    }

    [Fact]
    public void BothFileBitInPrivateAnonymousIsZero()
    {
        // Only the huge zero page carries PM_FILE in a private anonymous VMA.
        Assert.Equal(ForkPageState.Zero, ByBit(Present | File, Present | File, privateAnonymous: true));
    }

    [Fact]
    public void HugeZeroOnOneSideOfPrivateAnonymousIsCopied()
    {
        Assert.Equal(ForkPageState.Copied, ByBit(Present | File, Present | Exclusive, privateAnonymous: true));
    }

    [Fact]
    public void ExclusiveBitPresenceStates()
    {
        Assert.Equal(ForkPageState.ReferenceOnly, ByBit(Present | Exclusive, 0));
        Assert.Equal(ForkPageState.DifferenceOnly, ByBit(0, Present));
        Assert.Equal(ForkPageState.NotPresent, ByBit(0, SoftDirty));
        Assert.Equal(ForkPageState.Swapped, ByBit(Swap, Present));
        Assert.Equal(ForkPageState.Swapped, ByBit(Present, Swap));
        Assert.Equal(ForkPageState.Swapped, ByBit(Swap, Swap));
    }

    // ---- Properties over arbitrary words ----

    /// <summary>
    /// Words built from the meaningful parts, PFNs from a tiny pool so that both sides often match, mixed with
    /// arbitrary 64-bit words.
    /// </summary>
    private static readonly Gen<ulong> GenWord = Gen.Frequency(
        (3, Gen.Select(Gen.Int[0, 3], Gen.Bool, Gen.Bool, Gen.Bool, Gen.ULong[0, 3]).Select((kind, file, excl, dirty, pfn) =>
            (kind switch { 0 => 0UL, 1 => Present, 2 => Swap, _ => Swap | (1UL << 58) })
            | (file ? File : 0) | (excl ? Exclusive : 0) | (dirty ? SoftDirty : 0)
            | (pfn == 3 ? ZeroPfn : pfn))),
        (1, Gen.ULong));

    [Fact]
    public void ByPfnPropertiesHoldForAnyTwoWords()
    {
        Gen.Select(GenWord, GenWord, Gen.ULong[0, 3].Select(z => z == 3 ? ZeroPfn : z), Gen.Bool).Sample((r, d, zero, privateAnon) =>
        {
            PagemapWord reference = W(r), difference = W(d);
            ForkPageState state = ForkPageClassifier.ByPfn(reference, difference, zero, privateAnon);
            bool bothPresent = reference.Present && difference.Present;
            if (bothPresent && reference.Pfn == difference.Pfn)
            {
                Assert.NotEqual(ForkPageState.Copied, state);
            }
            if (state is ForkPageState.Shared or ForkPageState.Zero or ForkPageState.Copied)
            {
                Assert.True(bothPresent, $"{state} for {reference} / {difference}");
            }
            if (!reference.Present || !difference.Present)
            {
                Assert.Equal(state, ForkPageClassifier.ByExclusiveBit(reference, difference, privateAnon));
            }
        }, iter: 200_000);
    }

    [Fact]
    public void ByExclusiveBitNeverCallsAnExclusivePageShared()
    {
        // Both sides mapping one page makes it mapped twice, so an exclusive anonymous page cannot be shared.
        Gen.Select(GenWord, GenWord, Gen.Bool).Sample((r, d, privateAnon) =>
        {
            PagemapWord reference = W(r), difference = W(d);
            ForkPageState state = ForkPageClassifier.ByExclusiveBit(reference, difference, privateAnon);
            bool anyExclusiveAnon = (reference.Present && reference.Exclusive && !reference.FileOrSharedAnon)
                || (difference.Present && difference.Exclusive && !difference.FileOrSharedAnon);
            if (reference.Present && difference.Present && anyExclusiveAnon)
            {
                Assert.Equal(ForkPageState.Copied, state);
            }
        }, iter: 100_000);
    }
}
