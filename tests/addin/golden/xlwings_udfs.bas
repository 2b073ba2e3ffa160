Function OON_ALLOWED(method, billed, Optional medicare, Optional factor, Optional benchmark, Optional rate, Optional lesser_of)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_ALLOWED = XLPy.CallUDF("addin.functions", "OON_ALLOWED", Array(method, billed, medicare, factor, benchmark, rate, lesser_of), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_ALLOWED = XLPy.CallUDF("addin.functions", "OON_ALLOWED", Array(method, billed, medicare, factor, benchmark, rate, lesser_of))
        Exit Function
    #End If
failed:
    OON_ALLOWED = Err.Description
End Function

Function OON_BALANCE_BILL(billed, allowed, Optional nsa, Optional allowed_by_law)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_BALANCE_BILL = XLPy.CallUDF("addin.functions", "OON_BALANCE_BILL", Array(billed, allowed, nsa, allowed_by_law), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_BALANCE_BILL = XLPy.CallUDF("addin.functions", "OON_BALANCE_BILL", Array(billed, allowed, nsa, allowed_by_law))
        Exit Function
    #End If
failed:
    OON_BALANCE_BILL = Err.Description
End Function

Function OON_BEST_STOP(gap, probabilities, shares, costs, days, rate, Optional fee_rate, Optional offer)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_BEST_STOP = XLPy.CallUDF("addin.functions", "OON_BEST_STOP", Array(gap, probabilities, shares, costs, days, rate, fee_rate, offer), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_BEST_STOP = XLPy.CallUDF("addin.functions", "OON_BEST_STOP", Array(gap, probabilities, shares, costs, days, rate, fee_rate, offer))
        Exit Function
    #End If
failed:
    OON_BEST_STOP = Err.Description
End Function

Function OON_CASE_NPV(gap, probabilities, shares, costs, days, rate, Optional fee_rate)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_CASE_NPV = XLPy.CallUDF("addin.functions", "OON_CASE_NPV", Array(gap, probabilities, shares, costs, days, rate, fee_rate), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_CASE_NPV = XLPy.CallUDF("addin.functions", "OON_CASE_NPV", Array(gap, probabilities, shares, costs, days, rate, fee_rate))
        Exit Function
    #End If
failed:
    OON_CASE_NPV = Err.Description
End Function

Function OON_CHARGE_PCTL(code, percentile, benchmark_table, Optional geo)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_CHARGE_PCTL = XLPy.CallUDF("addin.functions", "OON_CHARGE_PCTL", Array(code, percentile, benchmark_table, geo), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_CHARGE_PCTL = XLPy.CallUDF("addin.functions", "OON_CHARGE_PCTL", Array(code, percentile, benchmark_table, geo))
        Exit Function
    #End If
failed:
    OON_CHARGE_PCTL = Err.Description
End Function

Function OON_GAP(target, plan_paid, Optional patient_paid)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_GAP = XLPy.CallUDF("addin.functions", "OON_GAP", Array(target, plan_paid, patient_paid), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_GAP = XLPy.CallUDF("addin.functions", "OON_GAP", Array(target, plan_paid, patient_paid))
        Exit Function
    #End If
failed:
    OON_GAP = Err.Description
End Function

Function OON_IDR_ADMIN_FEE(dispute_date)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_IDR_ADMIN_FEE = XLPy.CallUDF("addin.functions", "OON_IDR_ADMIN_FEE", Array(dispute_date), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_IDR_ADMIN_FEE = XLPy.CallUDF("addin.functions", "OON_IDR_ADMIN_FEE", Array(dispute_date))
        Exit Function
    #End If
failed:
    OON_IDR_ADMIN_FEE = Err.Description
End Function

Function OON_IDR_BREAKEVEN(provider_offer, payer_offer, paid, admin_fee, entity_fee, Optional batch_size, Optional refund)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_IDR_BREAKEVEN = XLPy.CallUDF("addin.functions", "OON_IDR_BREAKEVEN", Array(provider_offer, payer_offer, paid, admin_fee, entity_fee, batch_size, refund), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_IDR_BREAKEVEN = XLPy.CallUDF("addin.functions", "OON_IDR_BREAKEVEN", Array(provider_offer, payer_offer, paid, admin_fee, entity_fee, batch_size, refund))
        Exit Function
    #End If
failed:
    OON_IDR_BREAKEVEN = Err.Description
End Function

Function OON_IDR_GAIN(provider_offer, payer_offer, paid, win_probability, admin_fee, entity_fee, Optional batch_size, Optional refund)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_IDR_GAIN = XLPy.CallUDF("addin.functions", "OON_IDR_GAIN", Array(provider_offer, payer_offer, paid, win_probability, admin_fee, entity_fee, batch_size, refund), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_IDR_GAIN = XLPy.CallUDF("addin.functions", "OON_IDR_GAIN", Array(provider_offer, payer_offer, paid, win_probability, admin_fee, entity_fee, batch_size, refund))
        Exit Function
    #End If
failed:
    OON_IDR_GAIN = Err.Description
End Function

Function OON_PAID_PCT(paid, basis)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_PAID_PCT = XLPy.CallUDF("addin.functions", "OON_PAID_PCT", Array(paid, basis), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_PAID_PCT = XLPy.CallUDF("addin.functions", "OON_PAID_PCT", Array(paid, basis))
        Exit Function
    #End If
failed:
    OON_PAID_PCT = Err.Description
End Function

Function OON_PATIENT_SHARE(allowed, Optional deductible_remaining, Optional coinsurance, Optional copay, Optional oop_remaining, Optional nsa, Optional qpa, Optional billed)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_PATIENT_SHARE = XLPy.CallUDF("addin.functions", "OON_PATIENT_SHARE", Array(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_PATIENT_SHARE = XLPy.CallUDF("addin.functions", "OON_PATIENT_SHARE", Array(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed))
        Exit Function
    #End If
failed:
    OON_PATIENT_SHARE = Err.Description
End Function

Function OON_PLAN_PAYMENT(allowed, Optional deductible_remaining, Optional coinsurance, Optional copay, Optional oop_remaining, Optional nsa, Optional qpa, Optional billed)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_PLAN_PAYMENT = XLPy.CallUDF("addin.functions", "OON_PLAN_PAYMENT", Array(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_PLAN_PAYMENT = XLPy.CallUDF("addin.functions", "OON_PLAN_PAYMENT", Array(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed))
        Exit Function
    #End If
failed:
    OON_PLAN_PAYMENT = Err.Description
End Function

Function OON_UNDERPAID(target, plan_paid, Optional patient_paid, Optional tolerance, Optional tolerance_pct)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_UNDERPAID = XLPy.CallUDF("addin.functions", "OON_UNDERPAID", Array(target, plan_paid, patient_paid, tolerance, tolerance_pct), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_UNDERPAID = XLPy.CallUDF("addin.functions", "OON_UNDERPAID", Array(target, plan_paid, patient_paid, tolerance, tolerance_pct))
        Exit Function
    #End If
failed:
    OON_UNDERPAID = Err.Description
End Function

