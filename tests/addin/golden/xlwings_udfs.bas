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

Function OON_ANESTHESIA(base_units, minutes, Optional locality, Optional year, Optional qp)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_ANESTHESIA = XLPy.CallUDF("addin.functions", "OON_ANESTHESIA", Array(base_units, minutes, locality, year, qp), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_ANESTHESIA = XLPy.CallUDF("addin.functions", "OON_ANESTHESIA", Array(base_units, minutes, locality, year, qp))
        Exit Function
    #End If
failed:
    OON_ANESTHESIA = Err.Description
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

Function OON_BUSINESS_DAYS_LEFT(deadline, as_of)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_BUSINESS_DAYS_LEFT = XLPy.CallUDF("addin.functions", "OON_BUSINESS_DAYS_LEFT", Array(deadline, as_of), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_BUSINESS_DAYS_LEFT = XLPy.CallUDF("addin.functions", "OON_BUSINESS_DAYS_LEFT", Array(deadline, as_of))
        Exit Function
    #End If
failed:
    OON_BUSINESS_DAYS_LEFT = Err.Description
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

Function OON_DEADLINE(rule, start, Optional days)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_DEADLINE = XLPy.CallUDF("addin.functions", "OON_DEADLINE", Array(rule, start, days), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_DEADLINE = XLPy.CallUDF("addin.functions", "OON_DEADLINE", Array(rule, start, days))
        Exit Function
    #End If
failed:
    OON_DEADLINE = Err.Description
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

Function OON_LIMITING_CHARGE(amount)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_LIMITING_CHARGE = XLPy.CallUDF("addin.functions", "OON_LIMITING_CHARGE", Array(amount), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_LIMITING_CHARGE = XLPy.CallUDF("addin.functions", "OON_LIMITING_CHARGE", Array(amount))
        Exit Function
    #End If
failed:
    OON_LIMITING_CHARGE = Err.Description
End Function

Function OON_LOCALITY(state, Optional locality_or_county, Optional mac, Optional year)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_LOCALITY = XLPy.CallUDF("addin.functions", "OON_LOCALITY", Array(state, locality_or_county, mac, year), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_LOCALITY = XLPy.CallUDF("addin.functions", "OON_LOCALITY", Array(state, locality_or_county, mac, year))
        Exit Function
    #End If
failed:
    OON_LOCALITY = Err.Description
End Function

Function OON_MEDICARE(hcpcs, Optional modifier, Optional locality, Optional setting, Optional year, Optional qp)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_MEDICARE = XLPy.CallUDF("addin.functions", "OON_MEDICARE", Array(hcpcs, modifier, locality, setting, year, qp), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_MEDICARE = XLPy.CallUDF("addin.functions", "OON_MEDICARE", Array(hcpcs, modifier, locality, setting, year, qp))
        Exit Function
    #End If
failed:
    OON_MEDICARE = Err.Description
End Function

Function OON_MEDICARE_CLAIM(claim_id, hcpcs, Optional modifier, Optional units, Optional locality, Optional setting, Optional year, Optional qp)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_MEDICARE_CLAIM = XLPy.CallUDF("addin.functions", "OON_MEDICARE_CLAIM", Array(claim_id, hcpcs, modifier, units, locality, setting, year, qp), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_MEDICARE_CLAIM = XLPy.CallUDF("addin.functions", "OON_MEDICARE_CLAIM", Array(claim_id, hcpcs, modifier, units, locality, setting, year, qp))
        Exit Function
    #End If
failed:
    OON_MEDICARE_CLAIM = Err.Description
End Function

Function OON_NETWORKDAYS(start_date, end_date)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_NETWORKDAYS = XLPy.CallUDF("addin.functions", "OON_NETWORKDAYS", Array(start_date, end_date), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_NETWORKDAYS = XLPy.CallUDF("addin.functions", "OON_NETWORKDAYS", Array(start_date, end_date))
        Exit Function
    #End If
failed:
    OON_NETWORKDAYS = Err.Description
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

Function OON_PATIENT_SHARE(allowed, Optional deductible_remaining, Optional coinsurance, Optional copay, Optional oop_remaining, Optional nsa, Optional qpa, Optional billed, Optional claim_id)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_PATIENT_SHARE = XLPy.CallUDF("addin.functions", "OON_PATIENT_SHARE", Array(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed, claim_id), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_PATIENT_SHARE = XLPy.CallUDF("addin.functions", "OON_PATIENT_SHARE", Array(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed, claim_id))
        Exit Function
    #End If
failed:
    OON_PATIENT_SHARE = Err.Description
End Function

Function OON_PLAN_PAYMENT(allowed, Optional deductible_remaining, Optional coinsurance, Optional copay, Optional oop_remaining, Optional nsa, Optional qpa, Optional billed, Optional claim_id)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_PLAN_PAYMENT = XLPy.CallUDF("addin.functions", "OON_PLAN_PAYMENT", Array(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed, claim_id), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_PLAN_PAYMENT = XLPy.CallUDF("addin.functions", "OON_PLAN_PAYMENT", Array(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed, claim_id))
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

Function OON_WORKDAY(start_date, days)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        OON_WORKDAY = XLPy.CallUDF("addin.functions", "OON_WORKDAY", Array(start_date, days), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        OON_WORKDAY = XLPy.CallUDF("addin.functions", "OON_WORKDAY", Array(start_date, days))
        Exit Function
    #End If
failed:
    OON_WORKDAY = Err.Description
End Function

