using CowPages.Decoding;

namespace CowPages.Fork;

/// <summary>
/// Decides the <see cref="ForkPageState"/> of one virtual page from the two processes' pagemap words.
/// Pure: no I/O, so every rule is tested on synthetic words, including the ones this kernel cannot produce.
/// </summary>
public static class ForkPageClassifier
{
    /// <summary>
    /// Exact classification from PFNs (root). <paramref name="zeroPfn"/> is the shared zero page's frame, or 0 if unknown.
    /// <paramref name="privateAnonymous"/> says the mapping is private and anonymous, where a present page with the
    /// file bit can only be the huge zero page.
    /// </summary>
    public static ForkPageState ByPfn(PagemapWord reference, PagemapWord difference, ulong zeroPfn, bool privateAnonymous)
    {
        if (Presence(reference, difference) is ForkPageState state)
        {
            return state;
        }
        if (reference.Pfn != difference.Pfn)
        {
            return ForkPageState.Copied;
        }
        bool zero = (zeroPfn != 0 && reference.Pfn == zeroPfn) || (privateAnonymous && reference.FileOrSharedAnon);
        return zero ? ForkPageState.Zero : ForkPageState.Shared;
    }

    /// <summary>
    /// Best classification without PFNs. A page mapped by both processes is mapped at least twice, so it is never
    /// exclusive: if either side's page is exclusive, the two are different pages. Two non-exclusive anonymous pages
    /// are reported Shared although they may be different pages each shared with a third process. A page-cache page
    /// and an anonymous copy of it at the same address are certainly different. Where PAGEMAP_SCAN said which pages
    /// are the zero page (<paramref name="referenceZero"/>, <paramref name="differenceZero"/>), both being it is
    /// Zero, and one being it while the other is not is Copied.
    /// </summary>
    public static ForkPageState ByExclusiveBit(PagemapWord reference, PagemapWord difference, bool privateAnonymous,
        bool referenceZero = false, bool differenceZero = false)
    {
        if (Presence(reference, difference) is ForkPageState state)
        {
            return state;
        }
        if (privateAnonymous && reference.FileOrSharedAnon && difference.FileOrSharedAnon)
        {
            return ForkPageState.Zero;
        }
        if (referenceZero || differenceZero)
        {
            return referenceZero && differenceZero ? ForkPageState.Zero : ForkPageState.Copied;
        }
        if (reference.FileOrSharedAnon != difference.FileOrSharedAnon)
        {
            return ForkPageState.Copied;
        }
        if (reference.FileOrSharedAnon)
        {
            return ForkPageState.Shared;
        }
        return reference.Exclusive || difference.Exclusive ? ForkPageState.Copied : ForkPageState.Shared;
    }

    /// <summary>The states that presence alone decides; null when both pages are present.</summary>
    private static ForkPageState? Presence(PagemapWord reference, PagemapWord difference)
    {
        if (reference.SwappedOut || difference.SwappedOut)
        {
            return ForkPageState.Swapped;
        }
        return (reference.Present, difference.Present) switch
        {
            (false, false) => ForkPageState.NotPresent,
            (true, false) => ForkPageState.ReferenceOnly,
            (false, true) => ForkPageState.DifferenceOnly,
            _ => null,
        };
    }
}
