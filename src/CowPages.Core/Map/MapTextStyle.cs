using System;

namespace CowPages.Map;

/// <summary>
/// How the terminal map draws a cell: plain characters, one per state, that still read in a log file; or colours,
/// given as the escape sequences of each colour name (the module takes them from <c>$PSStyle</c>), with partly copied
/// cells drawn as lower blocks of the copied colour over the cell's fill.
/// </summary>
public sealed class MapTextStyle
{
    private readonly string[]? _foreground;
    private readonly string[]? _background;

    private MapTextStyle(string[]? foreground, string[]? background, string reset)
    {
        _foreground = foreground;
        _background = background;
        Reset = reset;
    }

    /// <summary>No escape sequences: each state has its own character.</summary>
    public static MapTextStyle Plain { get; } = new(null, null, "");

    /// <summary>
    /// Colours from escape sequences: <paramref name="foreground"/> and <paramref name="background"/> map a colour
    /// name of <see cref="MapStateStyle.TerminalColour"/> to its sequence.
    /// </summary>
    public static MapTextStyle Colour(Func<string, string> foreground, Func<string, string> background, string reset)
    {
        var fg = new string[MapPalette.States.Count];
        var bg = new string[MapPalette.States.Count];
        foreach (MapStateStyle style in MapPalette.States)
        {
            fg[(int)style.State] = style.TerminalColour is string name ? foreground(name) : "";
            bg[(int)style.State] = style.TerminalColour is string name2 ? background(name2) : "";
        }
        return new MapTextStyle(fg, bg, reset);
    }

    public bool Coloured => _foreground is not null;

    /// <summary>The sequence that ends a colour; empty for plain text.</summary>
    public string Reset { get; }

    /// <summary>The character of a cell and the escape sequence that colours it (empty for none).</summary>
    public (char Glyph, string Escape) Draw(MapLook look)
    {
        if (_foreground is null || _background is null)
        {
            char glyph = look.CopiedEighths switch
            {
                0 => MapPalette.Of(look.Fill).Glyph,
                8 => MapPalette.Of(MapState.Copied).Glyph,
                _ => MapPalette.PartlyCopiedGlyph,
            };
            return (glyph, "");
        }
        return look.CopiedEighths switch
        {
            0 => (MapPalette.Of(look.Fill).ColourGlyph, _foreground[(int)look.Fill]),
            8 => (MapPalette.CopiedBlocks[7], _foreground[(int)MapState.Copied]),
            int eighths => (MapPalette.CopiedBlocks[eighths - 1], _foreground[(int)MapState.Copied] + _background[(int)look.Fill]),
        };
    }

    /// <summary>The glyph of a state in the legend, coloured when the style is.</summary>
    internal string Sample(MapState state) => Paint(Draw(new MapLook(state, 0)));

    /// <summary>The legend's sample of partly copied cells: a few heights of copies over shared pages.</summary>
    internal string PartlyCopiedSample()
    {
        if (!Coloured)
        {
            return MapPalette.PartlyCopiedGlyph.ToString();
        }
        return Paint(Draw(new MapLook(MapState.Shared, 1))) + Paint(Draw(new MapLook(MapState.Shared, 4)))
            + Paint(Draw(new MapLook(MapState.Shared, 7)));
    }

    private string Paint((char Glyph, string Escape) drawn) =>
        drawn.Escape.Length == 0 ? drawn.Glyph.ToString() : drawn.Escape + drawn.Glyph + Reset;
}
