# Swapped pages on the live kernel. Under CI=true the test turns on a temporary swap file of its own and removes
# it afterwards; elsewhere it uses swap that is already on, or is skipped and says why.
BeforeAll {
    . $PSScriptRoot/common.ps1

    function Get-ActiveSwap { @(Get-Content /proc/swaps | Select-Object -Skip 1 | Where-Object { $_.Trim() }) }

    $swapFile = $null
    $skipReason = $null
    if ($env:CI -eq 'true') {
        $swapFile = "/var/tmp/cowpages-test-swap-$PID"
        & fallocate -l 64M $swapFile
        & chmod 600 $swapFile
        & mkswap $swapFile *> $null
        & swapon $swapFile
        if ($LASTEXITCODE -ne 0) {
            Remove-Item $swapFile -Force
            throw "swapon $swapFile failed; the swap tests need a filesystem that supports swap files."
        }
    }
    elseif ((Get-ActiveSwap).Count -eq 0) {
        $skipReason = 'swap is off: run with CI=true (as root) to let the test enable a temporary swap file, or turn swap on.'
    }

    if (-not $skipReason) {
        $family = Start-PageFamily
        $answer = Send-PageFamilyCommand $family 'pageout swapme'
    }
}

AfterAll {
    Stop-PageFamily $family
    if ($swapFile) {
        & swapoff $swapFile
        Remove-Item $swapFile -Force -ErrorAction SilentlyContinue
    }
}

Describe 'Get-PageMap on swapped-out pages' {
    BeforeEach {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
    }

    It 'MADV_PAGEOUT moved all 16 of the parent''s private pages to swap' {
        $answer | Should -Be 'ok'
        $pages = Get-RegionPages $family $family.Parent swapme
        ($pages | Where-Object Swapped).Count | Should -Be 16
        ($pages | Where-Object Present).Count | Should -Be 0
    }

    It 'decodes the swap type and a distinct, non-zero offset for each page, and no PFN' {
        $pages = Get-RegionPages $family $family.Parent swapme
        $pages | ForEach-Object {
            $_.Pfn | Should -BeNullOrEmpty
            $_.Guard | Should -BeFalse
            $_.SwapOffset | Should -BeGreaterThan 0
            $_.Raw -band 0x1f | Should -Be $_.SwapType
            ($_.Raw -band (([uint64]1 -shl 55) - 1)) -shr 5 | Should -Be $_.SwapOffset
        }
        ($pages.SwapOffset | Select-Object -Unique).Count | Should -Be 16
        ($pages.SwapType | Select-Object -Unique).Count | Should -Be 1
        if ($swapFile -and (Get-ActiveSwap).Count -eq 1) {
            $pages[0].SwapType | Should -Be 0
        }
    }

    It 'Get-PageFlags skips swapped pages, which have no frame' {
        $out = Get-RegionPages $family $family.Parent swapme | Get-PageFlags -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'keeps each swapped page''s swap type and offset in a snapshot, and the Swap they add up to' {
        $path = Join-Path ([IO.Path]::GetTempPath()) "cowpages-swap-$([guid]::NewGuid().ToString('n')).cowsnap"
        try {
            $null = Save-CowSnapshot -Id $family.Parent -Path $path
            $r = $family.Regions.swapme
            $live = Get-PageMap -Id $family.Parent -Address $r.Address -Count $r.Pages
            $saved = Get-PageMap -SnapshotPath $path -Id $family.Parent -Address $r.Address -Count $r.Pages
            ($saved | Where-Object Swapped).Count | Should -Be 16
            $saved.SwapOffset | Should -Be $live.SwapOffset
            $saved.SwapType | Should -Be $live.SwapType
            $saved.Raw | Should -Be $live.Raw
            (Get-CowSummary -SnapshotPath $path -Id $family.Parent).Swap | Should -Be (Get-CowSummary -Id $family.Parent).Swap
        }
        finally {
            Remove-Item $path -ErrorAction SilentlyContinue
        }
    }

    It 'Measure-PageFlags leaves swapped pages out, where page-types counts them under its swap pseudo-flag' {
        . (Join-Path $RepoRoot 'tools/PageTypes.ps1')
        $pageTypes = Install-PageTypes
        $r = $family.Regions.swapme
        Measure-PageFlags -Id $family.Parent -Address $r.Address -Count $r.Pages | Should -BeNullOrEmpty
        $raw = & $pageTypes -r -p $family.Parent -a "$($r.Address / $PageSize)+$($r.Pages)" | Where-Object { $_ -match '^0x' }
        $raw | Should -HaveCount 1
        $word, $count, $null = -split $raw
        [Convert]::ToUInt64($word.Substring(2), 16) -band ([uint64]1 -shl 62) | Should -Not -Be 0
        $count | Should -Be 16
        Compare-PageFlagsTable (Measure-PageFlags -Id $family.Parent) (Read-PageTypesTable $pageTypes @('-p', "$($family.Parent)")) |
            Should -BeNullOrEmpty -Because 'the rest of the process still agrees with page-types'
    }

    It 'leaves the children, which never had these pages, untouched' {
        (Get-RegionPages $family $family.Child swapme | Where-Object { $_.Present -or $_.Swapped }).Count | Should -Be 0
    }
}
