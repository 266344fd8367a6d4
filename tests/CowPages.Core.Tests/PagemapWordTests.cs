using CowPages.Decoding;
using Xunit;

namespace CowPages.Core.Tests;

public class PagemapWordTests
{
    [Fact]
    public void PresentAnonymousExclusivePage()
    {
        var word = new PagemapWord((1UL << 63) | (1UL << 56) | 0x12345);
        Assert.True(word.Present);
        Assert.False(word.Swapped);
        Assert.True(word.Exclusive);
        Assert.False(word.FileOrSharedAnon);
        Assert.Equal(0x12345UL, word.Pfn);
        Assert.Equal(0UL, word.SwapOffset);
    }
}
