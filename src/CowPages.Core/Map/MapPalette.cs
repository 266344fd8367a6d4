using System.Collections.Generic;

namespace CowPages.Map;

/// <summary>The one table of states, characters and colours that the terminal map and the HTML report share.</summary>
public static class MapPalette
{
    /// <summary>Lower blocks for a cell whose pages are partly copied, by eighths copied (index 0 = one eighth).</summary>
    public const string CopiedBlocks = "▁▂▃▄▅▆▇█";

    /// <summary>The character without colour for a cell with some, but not nearly all, of its pages copied.</summary>
    public const char PartlyCopiedGlyph = '+';

    private static readonly MapStateStyle[] Styles =
    {
        new(MapState.Shared, '=', '█', "Green", "#3a9a3a", "both map the same page: copy-on-write still pending"),
        new(MapState.Zero, '0', '█', "Cyan", "#2a9fb2", "both map the zero page: never written"),
        new(MapState.Copied, '#', '█', "Red", "#d42a3c", "each has its own copy: one side wrote the page"),
        new(MapState.ReferenceOnly, '<', '█', "Yellow", "#d6a21a", "only the reference has the page"),
        new(MapState.DifferenceOnly, '>', '█', "Magenta", "#a8409c", "only the difference has the page"),
        new(MapState.Swapped, '~', '█', "Blue", "#3657c9", "swapped out on either side"),
        new(MapState.NotPresent, '.', '░', "BrightBlack", "#b9b9b9", "present on neither side"),
        new(MapState.NotCompared, ' ', ' ', null, "#ececec", "mapped by one process only: not compared"),
    };

    /// <summary>Every state, in the order the legend lists them.</summary>
    public static IReadOnlyList<MapStateStyle> States => Styles;

    public static MapStateStyle Of(MapState state) => Styles[(int)state];
}
