"""The failure classes of issue 12, each with cases written for it (not drawn from any labelled
set): negation that runs too far, exceptions, examination over history, uncertainty, other
people and other places, and the vocabulary clinicians write."""

from __future__ import annotations

import pytest

from spinewise.nlp import extract

T, F, U = True, False, None

NEGATION_SCOPE = [
    ("No pain in the right leg; left foot drop since Monday.", "leg_weakness", T),
    ("Denies fever but reports new urinary retention.", "bladder_dysfunction", T),
    ("Denies fever but reports new urinary retention.", "fever", F),
    ("No fever, however she has had saddle numbness since yesterday.", "saddle_anesthesia", T),
    ("Denies bowel incontinence, but has had urinary incontinence twice today.",
     "bladder_dysfunction", T),
    ("Denies bowel incontinence, but has had urinary incontinence twice today.",
     "bowel_dysfunction", F),
    ("Negative for fevers and chills; 15 lb weight loss over 2 months.",
     "unexplained_weight_loss", T),
    ("He denies trauma, although he fell from a ladder last week.", "severe_trauma", T),
    ("Red flags: none except saddle anesthesia.", "saddle_anesthesia", T),
    ("No red flags other than a history of prostate cancer.", "history_of_cancer", T),
    ("No red flags: no saddle anesthesia, no urinary retention.", "saddle_anesthesia", F),
    ("No red flags: no saddle anesthesia, no urinary retention.", "bladder_dysfunction", F),
    ("No weakness, numbness or tingling; has new urinary retention.", "bladder_dysfunction", T),
    ("No weakness, numbness or tingling; has new urinary retention.", "paresthesia", F),
    ("Denies leg weakness. Now has left foot drop.", "leg_weakness", T),
    ("No saddle anesthesia. Bladder: unable to void since this morning.",
     "bladder_dysfunction", T),
    ("Without fever, yet reports numbness in both feet.", "paresthesia", T),
    ("Denies incontinence, and complains of numbness in the saddle area.",
     "saddle_anesthesia", T),
    ("Leg weakness, sensation intact.", "leg_weakness", T),
    ("Leg weakness, sensation intact.", "paresthesia", F),
    ("4/5 left EHL, otherwise motor intact.", "leg_weakness", T),
    # A new subject starts a new clause: "no" does not reach past it.
    ("No pain in her arms, she has new urinary retention.", "bladder_dysfunction", T),
    # Found by the safety property test (hypothesis): a determiner before the new subject.
    ("Denies saddle anesthesia, the patient has decreased rectal tone.", "bowel_dysfunction", T),
    ("No fever, this patient now has urinary retention.", "bladder_dysfunction", T),
    ("No numbness and the patient is otherwise well.", "paresthesia", F),
    ("She has no symptoms in her arms, her bladder function is normal.",
     "bladder_dysfunction", F),
    ("In no acute distress, febrile to 39.1.", "fever", T),
    ("No acute distress, looks well, afebrile.", "fever", F),
    ("He denies any weakness per se, just clumsiness and decreased sensation in the feet.",
     "paresthesia", T),
    ("No fever, and has new urinary retention.", "bladder_dysfunction", T),
    # ... while a shared subject keeps its place: the neck's injuries are the neck's.
    ("The neck is symmetrical and shows no masses or injuries.", "severe_trauma", U),
    ("Cauda equina syndrome was considered and is unlikely.",
     "suspected_cauda_equina_syndrome", F),
    # A denial of a part is not a denial of the whole: a recent spinal procedure is an
    # operation or an injection.
    ("He has had no prior back surgery.", "recent_spinal_procedure", U),
    ("He has had no prior back surgery.", "prior_lumbar_surgery", F),
    ("Never had back surgery or injections.", "recent_spinal_procedure", F),
    ("No prior spine surgery or spinal injections.", "recent_spinal_procedure", F),
    ("Had a lumbar fusion 2 weeks ago.", "recent_spinal_procedure", T),
    ("HIV test neg 1/2024.", "immunocompromised", U),
    ("HIV positive, on antiretrovirals.", "immunocompromised", T),
    ("No immunosuppression. HIV negative.", "immunocompromised", F),
    ("EXTREMITIES: No track marks.", "injection_drug_use", U),
    ("Track marks on both forearms.", "injection_drug_use", T),
    # "Moves all extremities" is not a graded strength examination; "no accidents" after the
    # bladder and bowel is about continence.
    ("Denies numbness or tingling in legs, moving all 4 extremities.", "leg_weakness", U),
    ("Bladder and bowel OK, no accidents, no trouble passing urine.", "severe_trauma", U),
    # Templated reviews of systems: "is negative for", "General: Negative for", "neg for",
    # "- nil"; a "+" marks the items that are present.
    ("He is negative for fever.", "fever", F),
    ("General: Negative for fever, chills, weight loss, night sweats.", "fever", F),
    ("General: Negative for fever, chills, weight loss, night sweats.",
     "unexplained_weight_loss", F),
    ("ROS: neg for fever, chills, cough, + night sweats, + wt loss.", "fever", F),
    ("ROS: neg for fever, chills, cough, + night sweats, + wt loss.",
     "unexplained_weight_loss", T),
    ("Fever/night sweats - nil.", "fever", F),
    # The pain's course told as improving or steady is not a worsening; what eases it
    # ("better with rest") is not its course.
    ("Pain overall better than last week.", "gradually_worsening_pain", F),
    ("Pain trending down since onset.", "gradually_worsening_pain", F),
    ("His pain is at baseline.", "gradually_worsening_pain", F),
    ("Pain is not improving.", "gradually_worsening_pain", U),
    ("Pain better with rest, worse with standing.", "gradually_worsening_pain", U),
    ("Pain improving each day but now gradually worsening again.",
     "gradually_worsening_pain", T),
    ("Wt stable.", "unexplained_weight_loss", F),
    # Progression told with the place between ("progressive L foot weakness") or after
    # ("the deficits are worsening").
    ("Progressive L foot weakness over 3 days.", "progressive_neurologic_deficit", T),
    ("Progressive L foot weakness over 3 days.", "leg_weakness", T),
    ("The deficits are worsening.", "progressive_neurologic_deficit", T),
    ("Denies progressive leg numbness.", "progressive_neurologic_deficit", F),
    # Recent procedures told as a post-operative or post-partum day (a lumbar puncture is not
    # one of findings.yaml's procedures: the labellers split on it); falls from height told
    # with "approx" or down a number of stairs.
    ("Pt: 66 yo M, POD 12 s/p L3-5 laminectomy and fusion.", "recent_spinal_procedure", T),
    ("31 yo now PPD 6 s/p SVD w/ labor epidural.", "recent_spinal_procedure", T),
    ("Lumbar puncture with normal pressure.", "recent_spinal_procedure", U),
    ("He fell approx 12 ft from ladder.", "severe_trauma", T),
    ("She fell down 5 carpeted stairs at home.", "severe_trauma", T),
    # "Header: no a, b, c" denies the whole list; "Item: no," denies the item before it.
    ("GU: no dysuria, frequency, hematuria, retention.", "bladder_dysfunction", F),
    ("Saddle anesthesia: no, urinary retention: yes.", "saddle_anesthesia", F),
    ("Saddle anesthesia: no, urinary retention: yes.", "bladder_dysfunction", T),
    # An operation recommended, scheduled or due tonight is not one had (it makes a
    # candidate); a clinic's name is no operation.
    ("Emergent L4-5 laminectomy and discectomy tonight.", "prior_lumbar_surgery", U),
    ("Emergent L4-5 laminectomy and discectomy tonight.", "surgery_or_intervention_candidate", T),
    ("Recommend L4-5 decompression and instrumented fusion (TLIF).", "prior_lumbar_surgery", U),
    ("She is scheduled for an L4-5 laminectomy.", "prior_lumbar_surgery", U),
    # A recommendation is a plan (hypothetical), as advice to return is: the suspicion in it
    # stays unknown rather than making a red flag of every safety-net ("advised to return if
    # cauda equina symptoms").
    ("Recommend MRI to evaluate for epidural abscess.", "suspected_spinal_epidural_abscess", U),
    ("SPINE SURGERY CLINIC - Consultation", "prior_lumbar_surgery", U),
    ("He had a laminectomy in 2015.", "prior_lumbar_surgery", T),
    # A spaced dash ends a clause; the sensation of an urge to void is not the legs'; a
    # cancer in the spine is a malignancy there, whose signs denied one by one deny only them.
    ("Denies weakness - chronic mild numbness lateral L foot since spring.", "paresthesia", T),
    ("Denies weakness - chronic mild numbness lateral L foot since spring.", "leg_weakness", F),
    ("Pt reports normal sensation of urge.", "paresthesia", U),
    ("Pain down back of R leg to calf.", "radicular_pain", T),
    ("Metastatic breast ca to spine. MRI: no new lesions, no pathologic fracture.",
     "suspected_malignancy", T),
    ("Metastatic breast ca to spine. MRI: no new lesions, no pathologic fracture.",
     "history_of_cancer", T),
    ("No lytic lesions identified on CT.", "suspected_malignancy", U),
    # What an earlier visit found or was told is not now; an examination to exclude a
    # condition is a suspicion of it; a cause of immunosuppression denied is only that cause.
    ("Denied weakness at last visit.", "leg_weakness", U),
    ("4/5 L EHL at the initial evaluation.", "leg_weakness", U),
    ("No history of cancer at last visit.", "history_of_cancer", F),
    ("MRI to exclude epidural abscess.", "suspected_spinal_epidural_abscess", T),
    ("Not receiving chemotherapy.", "immunocompromised", U),
    ("Denies immunosuppression.", "immunocompromised", F),
    ("On tacrolimus after renal transplant.", "immunocompromised", T),
    ("Initially L leg pain a bit better x1 day.", "symptoms_persisting_6_weeks", U),
    ("Increasing pain over the past several weeks.", "symptoms_persisting_6_weeks", U),
    ("LBP x 4 days. PMH: chronic kidney disease, on metformin since 2019.",
     "symptoms_persisting_6_weeks", F),
    ("LBP x 4 days, on a background of chronic low back pain.",
     "symptoms_persisting_6_weeks", U),
    ("5 days of back pain; a flare of his usual back pain.", "symptoms_persisting_6_weeks", U),
    ("She had back pain eight years ago for about two weeks.", "symptoms_persisting_6_weeks", U),
    # Checkbox and Y/N templates.
    ("Red flags: Fever N | Wt loss N | Hx CA N | Saddle anesthesia N", "fever", F),
    ("Red flags: Fever N | Wt loss N | Hx CA N | Saddle anesthesia N", "history_of_cancer", F),
    ("Red flags: Fever N | Wt loss N | Hx CA N | Saddle anesthesia N |", "saddle_anesthesia", F),
    ("Fever: N          Chills: N", "fever", F),
    ("Neg: fever, chills, CP, abd pain, dysuria, saddle numbness.", "saddle_anesthesia", F),
    ("Fever: Y", "fever", T),
    ("Urinary retention: yes. Fever: no.", "bladder_dysfunction", T),
    ("Pt with N/V and fever.", "fever", T),
    ("Hx CA: breast, 2015.", "history_of_cancer", T),
    # Bowels told in the words of a review or a nursing note.
    ("BMs ok on senna.", "bowel_dysfunction", F),
    ("Voiding/BMs nl.", "bladder_dysfunction", F),
    ("Voiding/BMs nl.", "bowel_dysfunction", F),
    ("Denies B/B changes.", "bowel_dysfunction", F),
    ("No bowel accidents.", "bowel_dysfunction", F),
    ("Bowel accidents x2 today.", "bowel_dysfunction", T),
    ("No bowel issues.", "bowel_dysfunction", F),
    # Where the leg pain goes, or where the pain stops (radiation to the buttock alone is
    # referred pain, not radicular).
    ("Pain does not go down his legs.", "radicular_pain", F),
    ("No pain into legs.", "radicular_pain", F),
    ("Pain radiates to the buttock, not past the buttock.", "radicular_pain", F),
    ("Pain stays in the low back, but shoots down the left leg when he coughs.",
     "radicular_pain", T),
    ("Pain going down her legs since Monday.", "radicular_pain", T),
    # From the third written set: a consulting service is no operation; a question not asked
    # is a doubt; a stress injury is not trauma; "features of malignancy" is the suspicion,
    # not the history; "no immunosuppressive therapy" denies only the drugs.
    ("- Spine surgery consulted - no surgical intervention recommended at this time",
     "prior_lumbar_surgery", U),
    ("Not asked re fevers / weight - pt had to go to work.", "fever", U),
    ("No features of lumbar radiculopathy or bone stress injury.", "severe_trauma", U),
    ("Explained no features of malignancy currently.", "history_of_cancer", U),
    ("Explained no features of malignancy currently.", "suspected_malignancy", F),
    ("No immunosuppressive therapy.", "immunocompromised", U),
    ("Fever - no, chills - no.", "fever", F),
    # Bladder, bowels and durations in British and nursing shorthand.
    ("LBP 2/52.", "symptoms_persisting_6_weeks", F),
    # More ways to tell a short duration; a word is not a number ("an" + "d" is not one day).
    ("Deep back pain past 4 days.", "symptoms_persisting_6_weeks", F),
    ("Back pain since 5 days.", "symptoms_persisting_6_weeks", F),
    ("Onset: 1 week.", "symptoms_persisting_6_weeks", F),
    ("4/7 of increasing pain.", "symptoms_persisting_6_weeks", F),
    ("LBP radiating down back of L thigh into calf x 10 days.", "symptoms_persisting_6_weeks", F),
    ("Onset 2 weeks after surgery.", "symptoms_persisting_6_weeks", U),
    ("Pain in the past and now.", "symptoms_persisting_6_weeks", U),
    ("Gradual onset and within a month it spread.", "symptoms_persisting_6_weeks", U),
    ("Back pain x 8/7.", "symptoms_persisting_6_weeks", F),
    ("Passing urine normally.", "bladder_dysfunction", F),
    ("BO normal.", "bowel_dysfunction", F),
    ("Continent of bowel and bladder.", "bowel_dysfunction", F),
    ("Urine and stool normal.", "bladder_dysfunction", F),
    # A question is not an answer; an answer in place decides what its question asks of.
    ("Do you have any numbness in the saddle area?", "saddle_anesthesia", U),
    ("Saddle anaesthesia?", "saddle_anesthesia", U),
    ("Q: Numbness in groin/buttocks/saddle area? A: No", "saddle_anesthesia", F),
    ("Saddle anaesthesia? No.", "saddle_anesthesia", F),
    ("fever? N.", "fever", F),
    ("Any fever or chills? No.", "fever", F),
    ("Fever? Yes.", "fever", T),
    ("Q: Weakness in legs, trouble walking? A: No, walking ok.", "leg_weakness", F),
    ("Q: Fever? A: No. (has not checked temp)", "fever", F),
    # ... only an answer that ends its clause, and only back to where the question opens.
    ("Fever? No red flags on examination.", "fever", U),
    ("Leg weakness for 2 days, fever? no", "leg_weakness", T),
    ("Leg weakness for 2 days, fever? no", "fever", F),
    ("No fever? Yes.", "fever", U),
    # ... and its "No" answers its question, not what follows it; its "?" doubts nothing else.
    ("Fever? No, left foot drop since Monday.", "leg_weakness", T),
    ("Left foot drop, fever? No.", "leg_weakness", T),
    ("Sensation intact? No.", "paresthesia", U),
    # A denial bounded to the recent past denies no history.
    ("No recent back surgery.", "prior_lumbar_surgery", U),
    ("Q: Any injections in the back or back surgery recently? A: No.", "prior_lumbar_surgery", U),
    ("Denies back surgery in the last 6 months.", "prior_lumbar_surgery", U),
    ("No active cancer.", "history_of_cancer", U),
    ("No history of back surgery.", "prior_lumbar_surgery", F),
    ("No weight loss in the last 6 months.", "unexplained_weight_loss", F),
    # A denial with an exception right after it is partial: the finding is there.
    ("No numbness except the R little toe.", "paresthesia", T),
    ("No numbness other than over the right lateral foot.", "paresthesia", T),
    ("No numbness, weakness or bladder problems.", "paresthesia", F),
    # A denial of a change is not a denial of the finding, only of the change.
    ("No new numbness, the numb patch on my foot is the same.", "paresthesia", U),
    ("No new weakness.", "leg_weakness", U),
    ("No new weakness.", "progressive_neurologic_deficit", U),
    ("No worsening back pain.", "gradually_worsening_pain", F),
    ("No numbness or weakness.", "leg_weakness", F),
    # "Neurologically intact" denies a progressive deficit, unless the note shows a deficit
    # (contradicted_by); normal strength and sensation alone leave its course unknown.
    ("Strength 5/5 throughout, sensation intact.", "progressive_neurologic_deficit", U),
    ("Neurologically intact.", "progressive_neurologic_deficit", F),
    ("Nonfocal neuro exam.", "progressive_neurologic_deficit", F),
    ("Not neurologically intact.", "progressive_neurologic_deficit", U),
    ("Neuro intact, but a new foot drop since yesterday.", "progressive_neurologic_deficit", U),
    ("Neuro exam: normal.", "progressive_neurologic_deficit", U),
    # "Unless" is a condition, not a denial.
    ("Surgery isn't needed unless you develop leg weakness.", "leg_weakness", U),
    # Abbreviated muscle groups with a grade.
    ("EHL 5/5 bilat, but R ankle DF 4+/5.", "leg_weakness", T),
    ("PF 3/5 on the left.", "leg_weakness", T),
    # "Not ejected" denies one sign of a severe mechanism, not the mechanism.
    ("Restrained driver, not ejected.", "severe_trauma", U),
    # A change since the last visit is now.
    ("R ankle DF 4+/5 (new since last visit).", "leg_weakness", T),
    ("Any leg weakness? Yes, left foot drop since Monday.", "leg_weakness", T),
    ("Is there a history of cancer? Yes - breast cancer 2015.", "history_of_cancer", T),
    # "Not known" and "unknown" are doubts; "not known to have" is a denial.
    ("Fever not known.", "fever", U),
    ("Weight loss: unknown.", "unexplained_weight_loss", U),
    ("He is not known to have cancer.", "history_of_cancer", F),
    # A list whose items each carry their own "no": an item without one is not denied.
    ("No fever, no chills, lumbar epidural injection 5 days ago.", "recent_spinal_procedure", T),
    ("No fever, no chills, lumbar epidural injection 5 days ago.", "fever", F),
    ("No saddle anesthesia, no bowel incontinence, new urinary retention since yesterday.",
     "bladder_dysfunction", T),
    ("No saddle anesthesia, no bowel incontinence, new urinary retention since yesterday.",
     "bowel_dysfunction", F),
    ("Denies fever, no numbness or tingling in the legs, no weakness.", "paresthesia", F),
    ("Denies fever, no numbness or tingling in the legs, no weakness.", "leg_weakness", F),
    ("No fever, chills, or night sweats.", "fever", F),
    # Plus and minus signs: each item its own ("fever (-), numbness (+)" has the numbness).
    ("fever (-), numbness (+)", "paresthesia", T),
    ("fever (-), numbness (+)", "fever", F),
    ("(-) fever, (+) numbness", "paresthesia", T),
    ("(+) numbness (-) fever", "paresthesia", T),
    ("(+) numbness (-) fever", "fever", F),
    ("fever: -, numbness: +", "fever", F),
    ("fever: -, numbness: +", "paresthesia", T),
    ("Numbness: - left foot and toes", "paresthesia", T),
    ("ROS: fever neg, chills neg, saddle anesthesia neg.", "saddle_anesthesia", F),
    ("ROS: fever neg, saddle anesthesia present.", "saddle_anesthesia", T),
    ("HIV Ag/Ab negative.", "immunocompromised", U),
    # A sign or "neg" after a test reaches back to the test, not across "and"/"with" (an
    # attack on round 12).
    ("L foot drop and Babinski (-).", "leg_weakness", T),
    ("Saddle numbness with anal wink (-).", "saddle_anesthesia", T),
    ("Fevers with blood cultures negative.", "fever", T),
    ("Urinary retention and UA negative.", "bladder_dysfunction", T),
    ("Prostate cancer with PSA negative.", "history_of_cancer", T),
    ("Fever (-) and leg weakness (+).", "leg_weakness", T),
    ("Fever (-) and leg weakness (+).", "fever", F),
    ("No fever, leg weakness (+), no saddle numbness.", "leg_weakness", T),
    ("Fever neg and chills neg.", "fever", F),
    # A clause with its own verb, a comparison with a visit, an amount: not a list's item.
    ("No fever, bum feels numb since Sunday.", "saddle_anesthesia", T),
    ("Denies weakness, more weakness in R leg since last review on exam.",
     "progressive_neurologic_deficit", T),
    ("Denies dieting, weight loss 6 kg since summer.", "unexplained_weight_loss", T),
    ("No weight loss of 5 kg.", "unexplained_weight_loss", F),
    # A second attack: a test's result denies the test, not the finding before it.
    ("Acute leg weakness CT neg, MRI ordered.", "leg_weakness", T),
    ("Foot drop XR neg.", "leg_weakness", T),
    ("Fever BCx (-) and UA (-).", "fever", T),
    ("Saddle numbness neg or pos - pt unsure.", "saddle_anesthesia", T),
    ("ROS: fever neg\nsaddle anesthesia neg\nchills neg", "saddle_anesthesia", F),
    ("fever (-)\nnumbness (+)", "fever", F),
    # An attached denial still denies a phrase that asserts itself; a joined one does not.
    ("Pt denies her bottom feels numb.", "saddle_anesthesia", F),
    ("Denies the pain is getting worse.", "gradually_worsening_pain", F),
    ("No fever and unable to void.", "bladder_dysfunction", T),
    # "+" joining a list, a threshold or none is no assertion.
    ("Denies fever + chills.", "fever", F),
    ("Denies numbness (+) SLR left at 45 degrees.", "paresthesia", F),
    ("No fever, leg weakness (+) on L.", "leg_weakness", T),
    ("Denies fevers, chills, weight loss of 10 lbs or more.", "unexplained_weight_loss", F),
    ("No fever, chills, weight loss 0 kg.", "unexplained_weight_loss", F),
]  # fmt: skip

# Absent only from an explicit denial or a normal finding, and only of what it names: generic
# words, a provocation test, a course that improved after a treatment or a denied normal say
# nothing.
WEAK_CUES = [
    ("Denies any extremity symptoms or complaints.", "paresthesia", F),
    ("Denies any extremity symptoms or complaints.", "leg_weakness", U),
    ("Straight leg raises do not elicit any leg complaints.", "paresthesia", U),
    ("Straight leg raising does not reproduce her leg pain.", "radicular_pain", U),
    ("Palpation fails to reproduce the radiating pain.", "radicular_pain", U),
    ("Injections helped her neck pain, but not the upper extremity symptoms.",
     "paresthesia", U),
    ("The right leg pain is improved.", "gradually_worsening_pain", U),
    # ... but a course that is improving now is one that is not worsening.
    ("Back pain improving.", "gradually_worsening_pain", F),
    ("Denies weight gain.", "unexplained_weight_loss", U),
    ("No weight loss or weight gain.", "unexplained_weight_loss", F),
    ("Not afebrile overnight.", "fever", U),
    ("He does not have intact sensation in the feet.", "paresthesia", U),
    ("No normal sensation in the left foot.", "paresthesia", U),
    # ... but a normal finding listed after a denial is an assertion of its own.
    ("No weakness, sensation intact.", "paresthesia", F),
    ("No tenderness, afebrile.", "fever", F),
    ("No clubbing, cyanosis, normal rectal tone.", "bowel_dysfunction", F),
    ("He denied trauma to this area.", "severe_trauma", U),
    ("He denied trauma.", "severe_trauma", F),
    # A denial of a verb reaches what it governs.
    ("She does not smoke, drink or use any illicit drugs.", "injection_drug_use", F),
    ("I do not think there was any surgical indication.", "surgery_or_intervention_candidate", F),
    ("I do not think this patient is a good candidate for spinal cord stimulation.",
     "surgery_or_intervention_candidate", F),
    ("I do not see any indication for another surgery at this time.",
     "surgery_or_intervention_candidate", F),
    ("The patient does not wish to proceed with any neurosurgical intervention.",
     "surgery_or_intervention_candidate", F),
    ("PAST SPINE HISTORY:, Unremarkable.", "prior_lumbar_surgery", F),
    # ... while "Constitutional: denies" still denies what follows.
    ("Constitutional: denies fevers, weight loss.", "fever", F),
    ("I do not think his weakness is due to the disc. Left EHL 4/5.", "leg_weakness", T),
    ("He denies, however, any bowel or bladder problems.", "bladder_dysfunction", F),
    ("No fever, however, she has new urinary retention.", "bladder_dysfunction", T),
    # a denial of continence only leaves the bladder unknown (retention was not asked) ...
    ("Denies urinary stress incontinence or fecal incontinence.", "bladder_dysfunction", U),
    ("Denies urinary stress incontinence or fecal incontinence.", "bowel_dysfunction", F),
    ("She has stress incontinence.", "bladder_dysfunction", U),
    ("Sensory: No deficit to LT/PP/VIB/PROP.", "paresthesia", F),
    ("No recent change in either the severity or the distribution of his pain.",
     "gradually_worsening_pain", F),
    ("Vitals: B/P; 150/60, T; 96.4, P; 72.", "fever", F),
    ("BACK: Atraumatic, nontender.", "contusion_or_abrasion", F),
    ("HEENT: Normocephalic, atraumatic.", "contusion_or_abrasion", U),
    ("The artery was controlled with atraumatic clamps.", "contusion_or_abrasion", U),
    ("Reflux found to be secondary to esophageal retention.", "bladder_dysfunction", U),
    ("Ankle edema from fluid retention.", "bladder_dysfunction", U),
    # Worse over years is not worse over days.
    ("Back pain for 20 years, but it has gotten progressively worse over the last 3 years.",
     "gradually_worsening_pain", U),
    ("Back pain for 3 days, progressively worse each day.", "gradually_worsening_pain", T),
]  # fmt: skip

EXCEPTIONS = [
    ("No neurologic deficits other than decreased sensation over the left foot.",
     "paresthesia", T),
    ("No bowel or bladder symptoms except urinary hesitancy.", "bladder_dysfunction", T),
    ("No bowel or bladder symptoms except urinary hesitancy.", "bowel_dysfunction", F),
    ("Neuro exam normal except 4/5 left ankle dorsiflexion.", "leg_weakness", T),
    ("Strength 5/5 throughout except 4/5 right EHL.", "leg_weakness", T),
    ("No risk factors apart from IV drug use.", "injection_drug_use", T),
    ("Review of systems negative except for fevers.", "fever", T),
    ("No new symptoms aside from perianal numbness.", "saddle_anesthesia", T),
]  # fmt: skip

EXAMINATION = [
    ("Denies weakness. Exam: 4/5 left EHL.", "leg_weakness", T),
    ("Denies weakness. 3/5 hip flexion on the right.", "leg_weakness", T),
    ("Denies weakness. Exam: left foot drop.", "leg_weakness", T),
    ("Denies weakness. Unable to heel-walk on the left.", "leg_weakness", T),
    ("Denies weakness. Unable to toe walk on the right.", "leg_weakness", T),
    ("Denies numbness. Decreased sensation over the dorsum of the left foot.", "paresthesia", T),
    ("Denies bowel incontinence. Decreased rectal tone.", "bowel_dysfunction", T),
    ("Denies bowel incontinence. Rectal tone is decreased.", "bowel_dysfunction", T),
    ("EHL 4/5 on the left.", "leg_weakness", T),
    ("Left EHL strength is 4/5.", "leg_weakness", T),
    ("Right quadriceps 4+/5.", "leg_weakness", T),
    ("Ankle dorsiflexion 4-/5 on the right.", "leg_weakness", T),
    ("Hip flexors 4/5 bilaterally.", "leg_weakness", T),
    ("Plantarflexion 3/5 on the left.", "leg_weakness", T),
    ("The right lower extremity is 4-5/5.", "leg_weakness", T),
    ("Strength 4 to 5/5 in the left EHL.", "leg_weakness", T),
    ("Quadriceps 5-/5 on the right.", "leg_weakness", T),
    ("She was severely weak in both lower extremities.", "progressive_neurologic_deficit", T),
    ("She was severely weak in both lower extremities.", "leg_weakness", T),
    ("Strength: 5/5 throughout the lower extremities. Denies weakness.", "leg_weakness", F),
    ("Motor strength is 5/5 bilaterally.", "leg_weakness", F),
    ("Sensation intact to light touch in both legs. Denies numbness.", "paresthesia", F),
    ("Grip strength 4/5 on the right.", "leg_weakness", U),
    ("Normal rectal tone. Denies bowel incontinence.", "bowel_dysfunction", F),
    # An examination written as a form: the finding, a colon, its grade.
    ("Rectal tone: decreased.", "bowel_dysfunction", T),
    ("Rectal: tone lax, no sensation.", "bowel_dysfunction", T),
    ("Saddle sensation: reduced", "saddle_anesthesia", T),
]  # fmt: skip

UNCERTAINTY = [
    ("Not sure whether she has had any urinary incontinence.", "bladder_dysfunction", U),
    ("Unclear if there is saddle numbness.", "saddle_anesthesia", U),
    ("Possible saddle anesthesia.", "saddle_anesthesia", U),
    ("? saddle anesthesia", "saddle_anesthesia", U),
    ("Rectal tone not assessed.", "bowel_dysfunction", U),
    ("Unable to assess for saddle anesthesia.", "saddle_anesthesia", U),
    ("Rule out cauda equina syndrome.", "suspected_cauda_equina_syndrome", T),
    ("MRI to evaluate for epidural abscess.", "suspected_spinal_epidural_abscess", T),
    ("Urinary retention to be checked with a bladder scan.", "bladder_dysfunction", U),
    ("He may have some weakness in the left leg.", "leg_weakness", U),
    ("Questionable left foot drop.", "leg_weakness", U),
    ("Weakness of the left leg limited by pain.", "leg_weakness", U),
    ("Cannot exclude saddle anesthesia.", "saddle_anesthesia", U),
    # Risks explained before a procedure are what might happen.
    ("Risks of surgery including but not limited to bleeding, infection, paralysis, weakness, "
     "numbness and bowel or bladder dysfunction were explained.", "paresthesia", U),
    ("Risks of surgery including but not limited to bleeding, infection, paralysis, weakness, "
     "numbness and bowel or bladder dysfunction were explained.", "bladder_dysfunction", U),
    ("Complications such as weakness in the legs were discussed.", "leg_weakness", U),
    ("Not certain if there was fecal incontinence.", "bowel_dysfunction", U),
    ("Patient is unsure whether he has numbness in the groin.", "saddle_anesthesia", U),
    # Red flags taught, not found: the whole list, commas and all.
    ("The patient was counseled on red flag symptoms including saddle anesthesia, urinary "
     "retention, and progressive weakness, and was instructed to present to the ED should any "
     "of these occur.", "bladder_dysfunction", U),
    ("Counseled on red flags (saddle anesthesia, urinary retention, progressive weakness).",
     "leg_weakness", U),
    ("Reviewed red flags: he has urinary retention.", "bladder_dysfunction", T),
    ("Red flag symptoms including urinary retention present.", "bladder_dysfunction", T),
    # An earlier visit's normal examination says nothing of now; a finding then still may.
    ('Not examined today (seen by GP last week: "neuro exam normal").',
     "progressive_neurologic_deficit", U),
    ("Seen by GP last week with saddle numbness, now worse.", "saddle_anesthesia", T),
    # Not asked, a limited examination.
    ("Tobacco no, alcohol occasional, drug use not asked.", "injection_drug_use", U),
    ("No visible bruising in the area examined (limited).", "contusion_or_abrasion", U),
    # A denial of a new symptom asked in a question answered no (LABELLING.md).
    ("Q: Any new numbness or tingling in your legs or groin? A: No", "paresthesia", U),
    ("Any numbness or tingling in your legs? No", "paresthesia", F),
    # A protocol's answer with its speaker's label, on the next line.
    ("Was he thrown from the motorcycle?\nC: Yes, like twenty feet", "severe_trauma", T),
    # A question opens after "and any": the answer is not the clause's before it.
    ("Reports numb bottom since Monday and any trouble passing urine?\nC: no",
     "saddle_anesthesia", T),
    ("Reports numb bottom since Monday and any trouble passing urine?\nC: no",
     "bladder_dysfunction", F),
    ("Possible saddle numbness?\nN. Jones, RN", "saddle_anesthesia", U),
    ("Any numbness, new weakness or bladder problems? No.", "bladder_dysfunction", F),
    ("Patient was not asked about IV drug use.", "injection_drug_use", U),
    ("L foot drop 3/5, saddle sensation not asked.", "leg_weakness", T),
    ("Examined at the bedside earlier: no motor or sensory deficit.", "leg_weakness", F),
    ("Treat when T-score <= -2.5 per guideline; DXA pending.", "osteoporosis", U),
    ("Given red flag symptoms of saddle anaesthesia and urinary retention, sent to ED.",
     "bladder_dysfunction", T),
]  # fmt: skip

OTHERS_AND_ELSEWHERE = [
    ("FAMILY HISTORY:, Significant for lung cancer.,SOCIAL HISTORY:, Denies IVDU.",
     "history_of_cancer", U),
    ("FAMILY HISTORY:, Significant for lung cancer.,SOCIAL HISTORY:, Denies IVDU.",
     "injection_drug_use", F),
    ("FAMILY HISTORY: Significant for lung cancer. Her father had a stroke.",
     "history_of_cancer", U),
    ("Family history significant for osteoporosis.", "osteoporosis", U),
    ("Her father had prostate cancer.", "history_of_cancer", U),
    ("s/p ACDF C5-6 in 2015.", "prior_lumbar_surgery", U),
    ("History of cervical fusion.", "prior_lumbar_surgery", U),
    ("Prior thoracic laminectomy.", "prior_lumbar_surgery", U),
    ("s/p L4-5 laminectomy in 2010.", "prior_lumbar_surgery", T),
    ("Previous lumbar fusion.", "prior_lumbar_surgery", T),
    ("She was offered chemotherapy, which she declined.", "immunocompromised", U),
    # Who tells is not who has it.
    ("Her husband recalled her first difficulties began after a motor vehicle accident.",
     "severe_trauma", T),
    ("Mother reports that he has had fevers at home.", "fever", T),
    # "A 3 day history of" is the present illness.
    ("Admitted for a 3 day h/o progressive weakness associated with incontinence.",
     "bladder_dysfunction", T),
    ("Chemotherapy was discussed with the patient.", "immunocompromised", U),
    ("Currently on chemotherapy for breast cancer.", "immunocompromised", T),
    ("Numbness and tingling in the right hand.", "paresthesia", U),
    ("Weakness of the left arm.", "leg_weakness", U),
    ("Tingling in his right arm and right leg.", "paresthesia", T),
    ("Decreased sensation in the right upper extremity.", "paresthesia", U),
    ("Facial numbness on the left.", "paresthesia", U),
    ("Intermittent tingling in the volar aspect of her right hand.", "paresthesia", U),
    ("Motor: 5/5 strength throughout except for slowing of right hand fine motor movement.",
     "leg_weakness", U),
    ("Sensation is intact except for the big toes bilaterally.", "paresthesia", T),
    # Past medical history lists past or chronic problems; histories still count.
    ("PAST MEDICAL HISTORY: Hypertension, sciatica, breast cancer.", "radicular_pain", U),
    ("PAST MEDICAL HISTORY: Hypertension, sciatica, breast cancer.", "history_of_cancer", T),
    ("Back surgery about a year and a half ago.", "recent_spinal_procedure", U),
    ("Back surgery about a year and a half ago.", "prior_lumbar_surgery", T),
    ("PROCEDURE: She had previously undergone bilateral hemilaminectomies at L4-5 so we "
     "removed scar bone.", "prior_lumbar_surgery", T),
    ("PROCEDURE: No paresthesias were noted on placing the needle.", "paresthesia", U),
    ("The possibility of surgical decompression was raised.",
     "surgery_or_intervention_candidate", T),
    # Look-alikes: anabolic steroids, a protocol's title, the head's "atraumatic", a pain's
    # provocation.
    ("Denies anabolic steroids/supplements.", "prolonged_corticosteroid_use", U),
    ("Protocol 5: Back Pain (Non-Traumatic or Non-Recent Trauma)", "contusion_or_abrasion", U),
    ("HEENT: normocephalic, atraumatic.", "contusion_or_abrasion", U),
    ("Back: atraumatic, no tenderness.", "contusion_or_abrasion", F),
    ("Pain unchanged with extension.", "gradually_worsening_pain", U),
    # (unchanged says nothing of a worsening since: "pain unchanged over months, worse in the
    # last 2 weeks"; round 23)
    ("Pain unchanged over 3 months.", "gradually_worsening_pain", U),
    # Weight lost on purpose is no unexplained weight loss; lost without trying is.
    ("Wt down 4 lb in 6 mo (trying to lose weight per dietitian).", "unexplained_weight_loss", F),
    ("No weight loss - weight down 4 kg this admission with diuresis (intended).",
     "unexplained_weight_loss", F),
    ("Weight down 6 kg since spring, not trying.", "unexplained_weight_loss", T),
    ("Weight loss, not intentional.", "unexplained_weight_loss", T),
    ("Lost 10 lb without trying.", "unexplained_weight_loss", T),
    # Weight lost on purpose, said after the loss; not a denied or past diet, not a drug.
    ("Lost 8 kg without trying to lose weight.", "unexplained_weight_loss", T),
    ("Has lost 8 kg in 3 months, not trying to lose weight.", "unexplained_weight_loss", T),
    ("Lost 8 kg over 3 months, no dieting or change in appetite.", "unexplained_weight_loss", T),
    ("8 kg weight loss over 3 months, not on semaglutide.", "unexplained_weight_loss", T),
    ("Intended to see GP about 9 kg weight loss over 3 months.", "unexplained_weight_loss", T),
    ("Minor blunt trauma to back from bumping into a door frame.", "severe_trauma", U),
    # A plan after a procedure done is not the procedure's.
    ("L4-5 microdiscectomy last week with physio planned.", "recent_spinal_procedure", T),
    ("Prior L4-5 laminectomy with revision now scheduled.", "prior_lumbar_surgery", T),
    ("Hoping to get back to running following microdiscectomy 2 weeks ago.",
     "recent_spinal_procedure", T),
    ("Lost 12 lbs and wasn't trying to lose weight.", "unexplained_weight_loss", T),
    ("Weight loss 7 kg initially intentional but now continuing despite eating well.",
     "unexplained_weight_loss", T),
    ("Did not ask about IVDU or steroid use.", "injection_drug_use", U),
    ("No trouble controlling his bowels or bladder.", "bladder_dysfunction", U),
    ("No trouble controlling his bowels or bladder.", "bowel_dysfunction", F),
    ("Pt has no problems with bowels.", "bowel_dysfunction", F),
    ("Problems with bowels: constipated on codeine.", "bowel_dysfunction", U),
    ("Voided under supervision, PVR 450 mL.", "bladder_dysfunction", T),
]  # fmt: skip

VOCABULARY = [
    # Six weeks of failed conservative care, told with its duration or its extent.
    ("He has failed greater than 6 weeks of conservative management.",
     "symptoms_persisting_6_weeks", T),
    ("Pain refractory to 8 weeks of physical therapy and medications.",
     "symptoms_persisting_6_weeks", T),
    ("Symptoms persistent >6 wks despite PT and NSAID.", "symptoms_persisting_6_weeks", T),
    ("She failed 3 months of conservative treatment.", "symptoms_persisting_6_weeks", T),
    ("He failed extensive conservative management.", "symptoms_persisting_6_weeks", T),
    ("She has failed 2 weeks of conservative care.", "symptoms_persisting_6_weeks", U),
    # A stated duration under six weeks: the symptoms have not persisted six weeks. Not a
    # drug's, a new symptom's or a worsening's duration, not in a conditional, and not when a
    # longer course is told anywhere.
    ("45 yo M with low back pain for 3 days after lifting.", "symptoms_persisting_6_weeks", F),
    ("LBP x 2 wks, no radiation.", "symptoms_persisting_6_weeks", F),
    ("A 3-day history of back pain.", "symptoms_persisting_6_weeks", F),
    ("The pain began 4 days ago.", "symptoms_persisting_6_weeks", F),
    ("Back pain for 3 days, a flare of chronic back pain.", "symptoms_persisting_6_weeks", U),
    # earlier episodes that ended are not this one's course (LABELLING.md; round 25)
    ("Low back pain x 5 days. Similar episodes before.", "symptoms_persisting_6_weeks", F),
    ("Back pain for 2 months.", "symptoms_persisting_6_weeks", U),
    ("Back pain for 3 days. Back pain for 10 weeks before that.", "symptoms_persisting_6_weeks", U),
    ("Return if the pain lasts for 2 weeks.", "symptoms_persisting_6_weeks", U),
    ("He was started on dexamethasone 4 days ago.", "symptoms_persisting_6_weeks", U),
    ("Back pain and new inability to void for 12 hours.", "symptoms_persisting_6_weeks", U),
    ("Back pain and leg weakness, worse over the past 2 days.",
     "symptoms_persisting_6_weeks", U),
    ("Back pain x5 days.", "symptoms_persisting_6_weeks", F),
    ("Onset: ~3 wks ago, lifting at work.", "symptoms_persisting_6_weeks", F),
    ("3 days of R-sided low back pain.", "symptoms_persisting_6_weeks", F),
    ("She has had pain for about 3 weeks.", "symptoms_persisting_6_weeks", F),
    ("42-year-old with LBP x 10 days; smoker for 20 years.", "symptoms_persisting_6_weeks", F),
    ("LBP x 10 days on a background of back pain for 2 years.",
     "symptoms_persisting_6_weeks", U),
    # When the pain began, told by the day or the event ("since yesterday", "hurt her back
    # gardening on Sunday"), in UK notation before the pain, by a range, or this episode's.
    ("Low back pain since carrying a sofa upstairs yesterday.", "symptoms_persisting_6_weeks", F),
    ("Lumbar pain which came on this morning getting out of the car.",
     "symptoms_persisting_6_weeks", F),
    ("Strained her lower back digging on Sunday.", "symptoms_persisting_6_weeks", F),
    ("Says his back 'gave out' 4 days ago at work.", "symptoms_persisting_6_weeks", F),
    ("4/52 hx of central LBP.", "symptoms_persisting_6_weeks", F),
    ("Back pain for 2-3 weeks.", "symptoms_persisting_6_weeks", F),
    ("Back pain for 3-8 weeks.", "symptoms_persisting_6_weeks", U),
    ("12 days post-injury, back still sore.", "symptoms_persisting_6_weeks", F),
    ("Chronic LBP; this flare began 5 days ago.", "symptoms_persisting_6_weeks", F),
    ("Chronic LBP, pain for 5 days.", "symptoms_persisting_6_weeks", U),
    ("Back pain since March.", "symptoms_persisting_6_weeks", U),
    ("Long history of back trouble; pain since Tuesday.", "symptoms_persisting_6_weeks", U),
    # Not the pain's time: a clinic, relief, a dose, a fall told without the pain, a denial.
    ("Back pain; seen at the pain clinic 2 wks ago.", "symptoms_persisting_6_weeks", U),
    ("Ibuprofen gives 3 hours pain relief.", "symptoms_persisting_6_weeks", U),
    ("Oxycodone q 4-6 hours prn pain.", "symptoms_persisting_6_weeks", U),
    ("Slipped on ice yesterday.", "symptoms_persisting_6_weeks", U),
    ("Did not hurt his back yesterday.", "symptoms_persisting_6_weeks", U),
    ("Back pain; symptoms lasted 2 days and resolved in 2019.", "symptoms_persisting_6_weeks", U),
    # A contraction denies as its words do ("doesn't" = "does not"), and doubts as they do.
    ("He doesn't have a fever.", "fever", F),
    ("Pain doesn't radiate.", "radicular_pain", F),
    ("She isn't sure whether she has had a fever.", "fever", U),
    ("Pt hasn't had fevers, has leg weakness.", "leg_weakness", T),
    ("He can't pass urine.", "bladder_dysfunction", T),
    # Pain told down to a place below the knee is radicular, arrows and sides between.
    ("Bilateral leg pain, R>L, to the ankles.", "radicular_pain", T),
    ("Pain down the L anterior shin.", "radicular_pain", T),
    ("R leg pain (buttock -> lateral calf -> dorsum of foot).", "radicular_pain", T),
    ("No leg pain going to the feet.", "radicular_pain", F),
    ("Pain to the knee but not below.", "radicular_pain", U),
    # "s/p" places in the past only what follows it up to the next comma.
    ("h/o chronic LBP, s/p L5-S1 laminectomy in 2015, c/o LBP radiating down both legs.",
     "radicular_pain", T),
    # The pain's course: worse over days or weeks, better, or not worse; not a deficit's
    # course, not what eases it, not an improvement hedged or maybe past.
    ("Seen for worsening L>R leg pain.", "gradually_worsening_pain", T),
    ("Back pain, slowly worse over the past week.", "gradually_worsening_pain", T),
    ("Leg weakness, worse over the past 2 days.", "gradually_worsening_pain", U),
    ("Back pain dramatically better.", "gradually_worsening_pain", F),
    ("Pain better with rest, worse with walking.", "gradually_worsening_pain", U),
    ("Back pain only partly better.", "gradually_worsening_pain", U),
    ("The leg pain is improved.", "gradually_worsening_pain", U),
    ("Improving slowly.", "gradually_worsening_pain", F),
    ("Getting a bit easier.", "gradually_worsening_pain", F),
    ("Back pain for 2 months, not worsening, no radiation.", "gradually_worsening_pain", F),
    ("Back pain for 2 months, not worsening, no radiation.", "radicular_pain", F),
    ("Not getting worse.", "gradually_worsening_pain", F),
    # A spinal procedure planned: scheduled, on a list, referred or paged for, for an urgent
    # or elective one, to theatre; ruled out when "not indicated". A decompression or a
    # stabilisation named alone is a plan's words, never an operation had.
    ("Booked for elective L4/5 microdiscectomy.", "surgery_or_intervention_candidate", T),
    ("Schedule L5-S1 RFA.", "surgery_or_intervention_candidate", T),
    ("L4/5 discectomy on tomorrow's list.", "surgery_or_intervention_candidate", T),
    ("Spine team paged for emergent decompression.", "surgery_or_intervention_candidate", T),
    ("Referral to pain clinic for consideration of TFESI.", "surgery_or_intervention_candidate",
     T),
    ("Plan: to OR tonight for I&D.", "surgery_or_intervention_candidate", T),
    ("No surgical stabilization indicated.", "surgery_or_intervention_candidate", F),
    ("No surgical stabilization indicated.", "prior_lumbar_surgery", U),
    ("We discussed the decompression of the spinal cord.", "prior_lumbar_surgery", U),
    ("MRI review shows laminectomies at L3-S1.", "surgery_or_intervention_candidate", U),
    # "without contrast" denies nothing; an arrow ends a clause.
    ("MRI without contrast, spine paged for likely emergent decompression.",
     "surgery_or_intervention_candidate", T),
    ("L2 fracture without neuro deficit \u2192 candidate for vertebral augmentation.",
     "surgery_or_intervention_candidate", T),
    # Bladder, saddle and strength told normal in other words; the saddle named by wiping.
    ("Voided in clinic w/o difficulty.", "bladder_dysfunction", F),
    ("No trouble peeing.", "bladder_dysfunction", F),
    ("Reports new difficulty urinating.", "bladder_dysfunction", T),
    ("Bladder fine. Bowels a bit constipated.", "bladder_dysfunction", F),
    ("Bladder/bowel nil issues.", "bowel_dysfunction", F),
    ("Urine: normal.", "bladder_dysfunction", U),
    ("No difficulty with chest pain or memory.", "bladder_dysfunction", U),
    ("No trouble with bladder or bowel.", "bowel_dysfunction", F),
    ("No problems with his bowels.", "bowel_dysfunction", F),
    ("SILT BLE incl saddle.", "saddle_anesthesia", F),
    ("Decreased LT and PP S1-S5 bilat including saddle.", "saddle_anesthesia", T),
    ("No saddle sx.", "saddle_anesthesia", F),
    ("Feels numb down there when she wipes.", "saddle_anesthesia", T),
    ("No numbness when wiping.", "saddle_anesthesia", F),
    ("LL myotomes 5/5.", "leg_weakness", F),
    # From a second attack on this round's rules: what "doesn't" describes rather than denies,
    # a test's answer in a form is not the earlier finding's, a normal saddle is not "and
    # saddle ...", another complaint's long course or failed care is not the back's.
    ("Doesn't feel the toilet paper when wiping.", "saddle_anesthesia", T),
    ("Didn't notice she had wet herself until her daughter told her.",
     "bladder_dysfunction", T),
    ("foot drop noted on exam XR: negative", "leg_weakness", T),
    ("fevers and rigors at home covid swab: negative", "fever", T),
    ("SILT in L2-S1 dermatomes and saddle anaesthesia noted.", "saddle_anesthesia", T),
    ("Leg numbness 2 months, back pain started today.", "symptoms_persisting_6_weeks", U),
    ("Back pain began yesterday after 8 weeks of intermittent leg tingling.",
     "symptoms_persisting_6_weeks", U),
    ("Knee OA: physio 3 months, no improvement. LBP since gardening on Sunday.",
     "symptoms_persisting_6_weeks", F),
    # Forms: a label answered after its colon, a checked box as the answer in either order;
    # "n.k.", "N.A.", "n.t." are no answers; a ticked item among unticked ones is the patient's.
    ("Saddle anaesthesia: [ ] yes [x] no", "saddle_anesthesia", F),
    ("Saddle anaesthesia: [x] yes [ ] no", "saddle_anesthesia", T),
    ("Saddle anaesthesia: [x] No [ ] Yes", "saddle_anesthesia", F),
    ("Saddle anaesthesia: [ ] no [x] yes", "saddle_anesthesia", T),
    ("Bladder (retention/incontinence): N", "bladder_dysfunction", F),
    ("Fever: none.", "fever", F),
    ("Saddle anaesthesia? n.t. (pt too drowsy)", "saddle_anesthesia", U),
    ("[ ] fever\n[x] saddle anaesthesia\n[ ] urinary retention\nAll other systems negative.",
     "saddle_anesthesia", T),
    ("[x] saddle numbness", "saddle_anesthesia", T),
    # A denial ends at a comma: what did not help is not what the patient has.
    ("Naproxen didn't help, foot drop on the left.", "leg_weakness", T),
    ("Analgesia is not helping, urinary retention this am.", "bladder_dysfunction", T),
    ("Pain doesn't radiate, numbness R foot.", "paresthesia", T),
    ("Hx from pt (possibly unreliable) no saddle anaesthesia or retention.",
     "saddle_anesthesia", U),
    # A plan's words end where an earlier event is told: the operation was had.
    ("Presents for urgent review 5 days after L4/5 microdiscectomy with fever.",
     "recent_spinal_procedure", T),
    ("Returned to theatre for washout 3 days after L4-5 laminectomy.",
     "recent_spinal_procedure", T),
    ("ESI yesterday, MRI not indicated.", "recent_spinal_procedure", T),
    ("Arrange MRI today given lumbar ESI 1/52 ago and new fever.", "recent_spinal_procedure", T),
    # Safety-netting is an instruction; coming to the ED for a symptom is having it.
    ("Decided to come to the ED for new urinary retention.", "bladder_dysfunction", T),
    ("Will call the surgeon for new bilateral foot drop and urinary retention.",
     "bladder_dysfunction", T),
    ("Return to the ED if you develop urinary retention.", "bladder_dysfunction", U),
    # Safety-netting names what to come back for, not what the patient has.
    ("Go to ED for saddle numbness, urinary retention or leg weakness.",
     "bladder_dysfunction", U),
    ("Instructions: call MD for new leg weakness/numbness, urinary retention, fever.",
     "fever", U),
    # What a list's "no" reaches is asserted again by its own "present" (not by the list's
    # closing "noted", nor when the "no" is its own).
    ("No fever, saddle numbness is present.", "saddle_anesthesia", T),
    ("Neuro: no focal deficit, saddle numbness present.", "saddle_anesthesia", T),
    ("No saddle numbness present.", "saddle_anesthesia", F),
    ("No weakness, numbness or tingling noted.", "paresthesia", F),
    ("Negative for fever, chills, weight loss reported by daughter.",
     "unexplained_weight_loss", F),
    ("Homeless man, without IV drug use per pt.", "injection_drug_use", F),
    # A cue inside parentheses reaches no further forward than them (backward it may).
    ("Male, approx 30 y/o (no ID on scene), restrained driver, T-boned at ~45 mph.",
     "severe_trauma", T),
    ("Hx of IVDU (heroin, last injected 1 wk ago).", "injection_drug_use", T),
    ("Denies (per daughter) fever or chills.", "fever", F),
    # Severe mechanisms in other words.
    ("Thrown from a horse onto a fence rail.", "severe_trauma", T),
    ("Fell down approx 8 carpeted stairs.", "severe_trauma", T),
    # An arrow is "decreased"; a rectal examination told under its own label.
    ("Rectal: \u2193 tone, no voluntary squeeze.", "bowel_dysfunction", T),
    ("PR: normal tone.", "bowel_dysfunction", F),
    ("\u2193 perianal sensation.", "saddle_anesthesia", T),
    # "X is absent" reaches back a few words, not over a whole list.
    ("Reduced sensation over the perineum and both buttocks and the anal wink is absent.",
     "saddle_anesthesia", T),
    ("Ankle jerks absent.", "fever", U),
    # Injecting is drug use, not an injection procedure; a stimulator is an intervention.
    ("Says no current injection use.", "injection_drug_use", F),
    ("Says no current injection use.", "surgery_or_intervention_candidate", U),
    ("Plan: proceed to SCS trial.", "surgery_or_intervention_candidate", T),
    ("Suitable for SCS after psychology review.", "surgery_or_intervention_candidate", T),
    ("Not suitable for surgery.", "surgery_or_intervention_candidate", F),
    # An unpunctuated dictation: a line opening "assessment" is a new part of the note.
    ("x-ray today shows no fracture no listhesis\nassessment lumbar contusion after fall from "
     "height", "severe_trauma", T),
    # Temperatures listed after one "T" are each a reading, in its unit.
    ("Afebrile today (T 37.4; 38.6 on admission).", "fever", T),
    ("Tmax 100.1/101.4 F overnight.", "fever", T),
    ("T 37.0, 98.2 kg.", "fever", F),
    # A longer course told as uncounted weeks or in UK months keeps a short one open.
    ("Constant LBP for >6 wks, new sciatica since yesterday.", "symptoms_persisting_6_weeks", U),
    ("Sciatica since Monday. Back pain for many weeks.", "symptoms_persisting_6_weeks", U),
    ("2/7 hx of R sciatica on background of 3/12 LBP.", "symptoms_persisting_6_weeks", U),
    ("3/7 hx of LBP on a background of 2 yrs of back pain.", "symptoms_persisting_6_weeks", U),
    ("Back pain onset unclear, came to ED today.", "symptoms_persisting_6_weeks", U),
    # No failed care: another person, none tried, a recovery, a plan, a short clause of its own.
    ("Mother has had back pain for 10 years despite physio.", "symptoms_persisting_6_weeks", U),
    ("No physio or analgesia tried yet, LBP x 8 weeks persisting.",
     "symptoms_persisting_6_weeks", U),
    ("Pain for 3 months, now resolved with physio; no persisting symptoms.",
     "symptoms_persisting_6_weeks", U),
    # The knee's care is not the back's; the back's own course is 2 days.
    ("Naproxen for 3 months for knee OA; back pain 2 days despite paracetamol.",
     "symptoms_persisting_6_weeks", F),
    ("Chronic LBP, flare 2 days ago. Started naproxen yesterday, no relief yet.",
     "symptoms_persisting_6_weeks", U),
    # Care that failed, in one sentence, over six weeks there or in the note's course.
    ("Back pain 3 months. Tried naproxen and a physio programme, no real improvement.",
     "symptoms_persisting_6_weeks", T),
    ("Ongoing sciatica despite 10 wks of PT.", "symptoms_persisting_6_weeks", T),
    ("Back pain for 9 days despite ibuprofen.", "symptoms_persisting_6_weeks", F),
    ("If no improvement after 6 weeks of PT, MRI.", "symptoms_persisting_6_weeks", U),
    ("Has the pain persisted despite 6 weeks of physio?", "symptoms_persisting_6_weeks", U),
    ("Pain for 4 months, not improved with rest, better with exercise.",
     "symptoms_persisting_6_weeks", U),
    ("Has not failed conservative care; 8 weeks of PT helped.",
     "symptoms_persisting_6_weeks", F),
    ("Known IVDU.", "injection_drug_use", T),
    ("PWID, last used yesterday.", "injection_drug_use", T),
    ("Injects heroin daily.", "injection_drug_use", T),
    ("Reports skin popping.", "injection_drug_use", T),
    ("Uses needles to inject methamphetamine.", "injection_drug_use", T),
    ("Perineal numbness since this morning.", "saddle_anesthesia", T),
    ("Perianal numbness.", "saddle_anesthesia", T),
    ("Numbness of both buttocks.", "saddle_anesthesia", T),
    ("Numbness of the inner thighs.", "saddle_anesthesia", T),
    ("Unable to void since this morning.", "bladder_dysfunction", T),
    ("Straining to urinate.", "bladder_dysfunction", T),
    ("Difficulty starting the stream.", "bladder_dysfunction", T),
    ("PVR 450 mL.", "bladder_dysfunction", T),
    ("Bladder scan 600 cc after voiding.", "bladder_dysfunction", T),
    ("Post-void residual of 50 mL.", "bladder_dysfunction", U),
    ("Fell from a height of 10 feet.", "severe_trauma", T),
    ("Fell 3 metres from scaffolding.", "severe_trauma", T),
    ("High-speed motor vehicle collision.", "severe_trauma", T),
    ("Pedestrian struck by a car.", "severe_trauma", T),
    ("Back pain worse each day.", "gradually_worsening_pain", T),
    ("Progressively worsening back pain.", "gradually_worsening_pain", T),
    ("Urinary retention.", "bladder_dysfunction", T),
    ("HIV positive on antiretrovirals.", "immunocompromised", T),
    ("Status post lumbar surgery with a history of failed conservative therapy.",
     "symptoms_persisting_6_weeks", T),
    ("She is failing nonoperative management and would like to consider surgery.",
     "symptoms_persisting_6_weeks", T),
    ("She possibly will have surgery in the near future.",
     "surgery_or_intervention_candidate", T),
    ("Dr. X will plan on injecting her right sacroiliac joint under fluoroscopy.",
     "surgery_or_intervention_candidate", T),
    ("The patient's symptoms appear to be radicular in origin.", "radicular_pain", T),
    ("Left lower extremity pain of radicular character.", "radicular_pain", T),
    ("He has lost about 10 pounds over the past month.", "unexplained_weight_loss", T),
    ("The current spine problem is much worse since its onset.", "gradually_worsening_pain", T),
    ("She went home and the symptoms got worse.", "gradually_worsening_pain", T),
    ("A month ago she developed progressive severe intractable pain.",
     "gradually_worsening_pain", T),
    ("She had previously undergone bilateral hemilaminectomies at L4-5.",
     "prior_lumbar_surgery", T),
    ("Applied band-aids over the sites.", "immunocompromised", U),
    ("He forgot his hearing aids at home.", "immunocompromised", U),
    # Blunt-force and penetrating injuries are severe trauma.
    ("Blunt force traumatic injury with multiple cranial fractures.", "severe_trauma", T),
    ("GSW to the left flank, L2 fragments on CT.", "severe_trauma", T),
    ("No GSW or stab wounds.", "severe_trauma", F),
    # Bone density: a T-score at or below -2.5 is osteoporosis (settings.yaml, WHO1994).
    ("DXA T-score -3.1 at the femoral neck.", "osteoporosis", T),
    ("Lowest T-score: \u22122.7 (L1-L4).", "osteoporosis", T),
    ("T-score -1.8, osteopenia.", "osteoporosis", U),
    ("If the T-score is -2.5 or lower, start alendronate.", "osteoporosis", U),
    ("Z-score -2.8.", "osteoporosis", U),
    # Spinal tuberculosis, HIV's abbreviations, a vertebra's lost height.
    ("Pott's disease is suspected.", "suspected_spinal_infection", T),
    ("Concern for spinal TB.", "suspected_spinal_infection", T),
    ("PLWH, well controlled.", "immunocompromised", T),
    ("L1 vertebral height loss 40% on x-ray.", "suspected_vertebral_compression_fracture", T),
    ("Loss of disc height at L4-5.", "suspected_vertebral_compression_fracture", U),
    # Procedures by level, planned or done; a steroid course's hedged length.
    ("s/p L3-L5 posterior instrumented fusion 12 days ago.", "prior_lumbar_surgery", T),
    ("s/p L3-L5 posterior instrumented fusion 12 days ago.", "recent_spinal_procedure", T),
    ("L4-5 fusion 2019.", "prior_lumbar_surgery", T),
    ("3 weeks s/p C5-6 anterior cervical discectomy and fusion.", "recent_spinal_procedure", T),
    ("Discectomy planned.", "surgery_or_intervention_candidate", T),
    ("Discectomy planned.", "prior_lumbar_surgery", U),
    ("Pt is scheduled for L L4-5/L5-S1 RFA on 6/12.", "surgery_or_intervention_candidate", T),
    ("Patient is interested in an epidural steroid injection.",
     "surgery_or_intervention_candidate", T),
    ("The patient is interested in gastric bypass surgery.",
     "surgery_or_intervention_candidate", U),
    ("Prednisone 10 every day for about two years.", "prolonged_corticosteroid_use", T),
    ("Prednisolone 10 mg daily (continuously since transplant).",
     "prolonged_corticosteroid_use", T),
    ("Weight down 6 kg since spring.", "unexplained_weight_loss", T),
    ("His bottom feels numb, like sitting on ice.", "saddle_anesthesia", T),
    ("Light touch reduced over R anterior thigh.", "paresthesia", T),
    ("New quadriceps weakness since last visit.", "progressive_neurologic_deficit", T),
    ("Rapidly worsening bilateral lower limb deficit.", "progressive_neurologic_deficit", T),
]  # fmt: skip


def _case_id(case: tuple[str, str, bool | None]) -> str:
    return f"{case[1]}={case[2]}: {case[0][:50]}"


# Absent only when nothing keeps the finding open (extract._merge): a doubt in the finding's own
# words anywhere; a mention of it in its own words that says nothing now, against a generic
# denial; and look-alikes that are not the finding's denial at all.
KEPT_OPEN = [
    ("Denies saddle anesthesia. Possible saddle anesthesia on exam, to be rechecked.",
     "saddle_anesthesia", U),
    ("No fever. Fever not assessed.", "fever", U),
    ("PMH: urinary retention. No loss of bowel or bladder control.", "bladder_dysfunction", U),
    ("PMH: urinary retention. No loss of bowel or bladder control.", "bowel_dysfunction", F),
    ("History of urinary retention. Denies urinary retention.", "bladder_dysfunction", F),
    ("Denies IV drug use. Occasional marijuana use.", "injection_drug_use", F),
    ("She denies any nonsteroidal antiinflammatory drug use.", "injection_drug_use", U),
    ("No prescription drug abuse.", "injection_drug_use", U),
    ("No back pain or surgical joint treatment.", "prior_lumbar_surgery", U),
    ("No prior surgeries.", "prior_lumbar_surgery", F),
    ("There was no indication for a lumbar spine surgery.", "prior_lumbar_surgery", U),
    ("There was no indication for a lumbar spine surgery.", "surgery_or_intervention_candidate",
     F),
    ("It is not clear from the records whether he ever had a lumbar epidural steroid injection.",
     "recent_spinal_procedure", U),
    ("Sensations are decreased distally in the left foot, otherwise intact to pinprick.",
     "paresthesia", T),
    ("Sensory exam is decreased in the right foot.", "paresthesia", T),
    ("Vital signs were stable except for tachycardia. No fevers.", "fever", F),
    # Found by a reviewer who wrote notes of their own against the extractor.
    ("No sensation in the perineum on exam.", "saddle_anesthesia", T),
    ("Perianal sensation intact.", "saddle_anesthesia", F),
    ("Fever has not resolved despite antibiotics.", "fever", T),
    ("Fever resolved.", "fever", F),
    ("No recurrence of his colon cancer since resection in 2019.", "history_of_cancer", T),
    ("No evidence of recurrent breast cancer on last PET.", "history_of_cancer", T),
    ("No longer on chemotherapy for metastatic lung cancer.", "history_of_cancer", T),
    ("No history of cancer.", "history_of_cancer", F),
    ("Denies urinary symptoms, except that he is unable to void.", "bladder_dysfunction", U),
    ("Voiding without difficulty until today, now unable to void.", "bladder_dysfunction", T),
    ("Lost control of her bladder twice this week; otherwise denies bowel or bladder symptoms.",
     "bladder_dysfunction", T),
    ("He lost bowel control last night.", "bowel_dysfunction", T),
    ("Stool incontinence since Monday.", "bowel_dysfunction", T),
    ("No chills or fevers until 2 days ago when he spiked to 39.5.", "fever", T),
    ("Sober from IV heroin 20 years. Denies drug use.", "injection_drug_use", U),
    ("Former IVDU, clean since 2004.", "injection_drug_use", U),
    ("Denies urinary incontinence, possible bowel or bladder changes.", "bladder_dysfunction", U),
    # ... without reaching too far: a past or stopped thing is history, not a new present one.
    ("No longer has leg weakness.", "leg_weakness", U),
    ("No recurrence of fever.", "fever", U),
    ("In the past week, saddle numbness.", "saddle_anesthesia", T),
    ("He stopped walking because of leg weakness.", "leg_weakness", T),
    ("Stopped using IV heroin 10 years ago.", "injection_drug_use", U),
    # Cancers named by their tissue; weakness of both legs that is getting worse.
    ("Newly diagnosed rhabdomyosarcoma of the left orbit.", "history_of_cancer", T),
    ("History of Ewing sarcoma of the femur.", "history_of_cancer", T),
    ("Family history: osteosarcoma in his brother.", "history_of_cancer", U),
    ("She has progressive quadriparesis.", "progressive_neurologic_deficit", T),
    ("The patient was almost quadriparetic.", "leg_weakness", T),
    # An inline past history ends at the next line's header ("O/E:", "Imp:", "SH:", "S:"):
    # the examination below it is now, and its bruise is not denied by a seat-belt sign.
    ("PMH: gout, on allopurinol.\nO/E: abrasions over the lumbar spine. No seat belt bruising.",
     "contusion_or_abrasion", T),
    ("PMHx: asthma.\nSH: lives alone.\nWeak left ankle dorsiflexion 3/5.", "leg_weakness", T),
    ("PMH: HTN.\nP: educated to report any fever or new numbness.", "fever", U),
    ("Taught to return if she develops saddle numbness.", "saddle_anesthesia", U),
    ("P: safety net: saddle numbness, retention, leg weakness.", "saddle_anesthesia", U),
    ("Red flag advice given (saddle numbness, retention, weakness).", "bladder_dysfunction", U),
    ("CES red flags discussed - to attend ED if new weakness.", "suspected_cauda_equina_syndrome",
     U),
    ("Red flags: saddle anaesthesia present.", "saddle_anesthesia", T),
    ("Red flags reviewed: saddle anaesthesia present.", "saddle_anesthesia", T),
    ("Pt has saddle numbness and retention, red flags reviewed, sent to ED.",
     "bladder_dysfunction", T),
    # ... but what has already happened is told after "as" or "given", and an instruction's
    # list runs over its commas.
    ("His wife told him to call us as he had been incontinent overnight.",
     "bladder_dysfunction", T),
    ("Advised to seek urgent review as he has developed numbness in both legs.", "paresthesia",
     T),
    ("Counselled to return for fever, worsening pain or new leg weakness.", "leg_weakness", U),
    # A form's "N/K", "N/A" or "N/T" is no answer.
    ("Trauma: N/K", "severe_trauma", U),
    ("Saddle anaesthesia: N/A", "saddle_anesthesia", U),
    ("Fever: N", "fever", F),
    # A habit denied reaches only habits; an earlier or a visible injury is not this one.
    ("He doesn't smoke, hx of prostate cancer.", "history_of_cancer", T),
    ("Does not drink, history of breast cancer.", "history_of_cancer", T),
    ("Does not smoke, drink or use IV drugs.", "injection_drug_use", F),
    ("She does not smoke, drink, or use any illicit drugs.", "injection_drug_use", F),
    ("He doesn't drink alcohol, injects heroin daily.", "injection_drug_use", T),
    # Using drugs is not injecting them; its denial still denies injecting.
    ("Uses cocaine at weekends.", "injection_drug_use", U),
    ("Doesn't use drugs.", "injection_drug_use", F),
    ("Does not use IV drugs.", "injection_drug_use", F),
    ("Uses IV heroin daily.", "injection_drug_use", T),
    ("Uses heroin (IV).", "injection_drug_use", T),
    ("Does not smoke or drink, uses IV heroin.", "injection_drug_use", T),
    ("Does not smoke, drink, uses IV drugs.", "injection_drug_use", T),
    ("Doesn't use IV drugs anymore.", "injection_drug_use", U),
    ("Does not smoke, on prednisolone 20 mg daily for 6 months for PMR.",
     "prolonged_corticosteroid_use", T),
    ("No previous back injury.", "severe_trauma", U),
    ("No visible injuries to the back.", "severe_trauma", U),
    ("Denies trauma.", "severe_trauma", F),
    # A lower bound on a short duration ends nothing; a stated short duration still does.
    ("Lower back pain for >3 days.", "symptoms_persisting_6_weeks", U),
    ("Back pain for more than 2 weeks.", "symptoms_persisting_6_weeks", U),
    ("Back pain for at least 10 days.", "symptoms_persisting_6_weeks", U),
    ("Back pain for 10 days.", "symptoms_persisting_6_weeks", F),
    ("LBP for 3 days or more.", "symptoms_persisting_6_weeks", U),
    ("LBP 3/7+", "symptoms_persisting_6_weeks", U),
    ("Back pain for 5 days or so.", "symptoms_persisting_6_weeks", F),
    # Another symptom's duration is not the back's.
    ("Back pain, onset unclear. Urinary symptoms x 2 days.", "symptoms_persisting_6_weeks", U),
    ("Chest pain for 2 days; back pain ongoing.", "symptoms_persisting_6_weeks", U),
    ("Back pain since spring. Also R knee pain x 5 days after a fall.",
     "symptoms_persisting_6_weeks", U),
    ("Neck pain, and low back pain x 3 days.", "symptoms_persisting_6_weeks", F),
    ("5 days of right-sided low back/flank pain.", "symptoms_persisting_6_weeks", F),
    # Sensation named absent or normal over the saddle.
    ("Sensation in the saddle area absent.", "saddle_anesthesia", T),
    ("Sensation over the perineal region is reduced.", "saddle_anesthesia", T),
    ("Sensation intact in the saddle area except a small patch over the L buttock.",
     "saddle_anesthesia", T),
    ("Sensation preserved in the saddle area on the R, absent on the L.", "saddle_anesthesia", T),
    # A judgement on a diagnosis denies no history.
    ("Malignancy unlikely.", "history_of_cancer", U),
    ("Metastatic disease felt less likely.", "history_of_cancer", U),
    ("No history of malignancy.", "history_of_cancer", F),
    # A "?" doubts its own clause, not the known cancer before the comma.
    ("Known breast ca, ?spinal mets.", "history_of_cancer", T),
    ("Known breast ca, ?spinal mets.", "suspected_malignancy", T),
    ("Saddle numbness, ?urinary retention.", "saddle_anesthesia", T),
    ("Saddle numbness, ?urinary retention.", "bladder_dysfunction", U),
    # Long-term systemic steroids are immunosuppressive drugs (LABELLING.md); a steroid denied
    # or stopped says nothing of the other causes; chemotherapy named by its agents.
    ("On prednisone 20 mg daily for the last 2 years for COPD.", "immunocompromised", T),
    ("Not on steroids.", "immunocompromised", U),
    ("Off prednisone since 2019.", "prolonged_corticosteroid_use", U),
    ("Off prednisone since 2019.", "immunocompromised", U),
    ("Budesonide inhaler for 10 years.", "immunocompromised", U),
    ("Currently on FOLFOX for colon cancer.", "immunocompromised", T),
    ("Not on methotrexate.", "immunocompromised", U),
    # A drug stopped is no immunosuppression now, nor proof against it; a planned one is none yet.
    ("MMF stopped 2019.", "immunocompromised", U),
    ("Methotrexate was stopped last year, now on adalimumab.", "immunocompromised", T),
    ("She is scheduled for chemotherapy next week.", "immunocompromised", U),
    ("He will have chemotherapy after the scan.", "immunocompromised", U),
    ("On pred 10mg for 6/12.", "prolonged_corticosteroid_use", T),
    ("FEV1 80% pred.", "prolonged_corticosteroid_use", U),
    # A judgement on a diagnosis, "X ruled out", reaches only diagnoses, never the symptom
    # before its comma; a test's result ends at its clause.
    ("Urinary retention, CES is ruled out.", "bladder_dysfunction", T),
    ("Urinary retention, CES was ruled out by MRI.", "suspected_cauda_equina_syndrome", F),
    ("Urinary retention, urine culture was negative.", "bladder_dysfunction", T),
    ("Leg weakness, CT non diagnostic.", "leg_weakness", T),
    ("Foot drop, VTE prophylaxis.", "leg_weakness", T),
    ("Weight loss of 8 kg, CT chest: unremarkable", "unexplained_weight_loss", T),
    ("Fever and chills were negative.", "fever", F),
    ("Malignancy excluded.", "history_of_cancer", U),
    ("Cancer ruled out on imaging.", "history_of_cancer", U),
    ("Epidural abscess must be excluded.", "suspected_spinal_epidural_abscess", T),
    ("He has never had any cancer screening.", "history_of_cancer", U),
    # Advice about a condition is not the condition.
    ("Worsening advice - leg weakness, numbness, bladder problems.", "leg_weakness", U),
    ("Red flag advice - saddle numbness, retention.", "saddle_anesthesia", U),
    ("CES advice card given.", "suspected_cauda_equina_syndrome", U),
    ("Cauda equina warning leaflet provided. Has saddle numbness.", "saddle_anesthesia", T),
    # Fractures as clinicians write them; an old one is not this episode's.
    ("Crush # L1 on x-ray.", "suspected_vertebral_compression_fracture", T),
    ("L1 # on CT.", "suspected_vertebral_compression_fracture", T),
    ("Fx of the wrist, no vertebral fx.", "suspected_vertebral_compression_fracture", F),
    ("Osteoporosis and prior vertebral fractures, presents after a fall.",
     "suspected_vertebral_compression_fracture", U),
    ("Known L2 wedge #, new T12 compression fracture.",
     "suspected_vertebral_compression_fracture", T),
    ("?MSCC - urgent MRI.", "suspected_malignancy", T),
    ("No evidence of MSCC.", "suspected_malignancy", F),
    # From an attack on the round above: a judgement ends at its comma and a doubt stays one.
    ("Osteoporosis, fracture excluded on x-ray.", "osteoporosis", T),
    ("T12 wedge fracture, infection excluded.", "suspected_vertebral_compression_fracture", T),
    ("Hx of lung ca, recurrence excluded.", "history_of_cancer", T),
    ("Previous breast cancer, metastases excluded, weight loss.", "unexplained_weight_loss", T),
    ("Discitis has not been excluded.", "suspected_spinal_infection", T),
    ("CES hasn't been excluded.", "suspected_cauda_equina_syndrome", T),
    ("Will have MRI today for new saddle anaesthesia.", "saddle_anesthesia", T),
    ("No MSCC on MRI, known prostate cancer.", "history_of_cancer", T),
    # A referral's reason is the patient's; only a procedure or drug it names is planned.
    ("Referred 6 weeks ago for new faecal incontinence.", "bowel_dysfunction", T),
    ("Referral to urology for urinary retention.", "bladder_dysfunction", T),
    ("Referred to ED if saddle numbness develops.", "saddle_anesthesia", U),
    ("Referred to neurosurgery for L4-5 decompression.", "surgery_or_intervention_candidate", T),
    # From a second attack: a referral's own denial stands; a reason ends a denial, a list
    # joined by "such as" or "as well as" does not.
    ("Referred with no leg weakness.", "leg_weakness", F),
    ("Referred without delay for saddle anaesthesia.", "saddle_anesthesia", T),
    ("Will have no further physio given progressive weakness.",
     "progressive_neurologic_deficit", T),
    ("Will have CT without delay given urinary retention.", "bladder_dysfunction", T),
    ("Will have long-term prednisolone for PMR.", "prolonged_corticosteroid_use", U),
    ("Epidural abscess not ruled out, IVDU yesterday.", "injection_drug_use", T),
    ("He has no constitutional complaints such as fevers, chills or sweats.", "fever", F),
    ("Denies fever, chills, as well as weight loss.", "unexplained_weight_loss", F),
    ("Urgent referral under cancer pathway if CXR abnormal.", "history_of_cancer", U),
    # Older absent readings the attacks listed: a clause that starts ", with" or ", ongoing"
    # is not the denial's; "no longer able to void" is retention.
    ("Referred without prior imaging, with fever and rigors.", "fever", T),
    ("No trauma, with no saddle numbness or retention.", "saddle_anesthesia", F),
    ("Previous physio with no benefit, ongoing leg weakness and numbness.", "leg_weakness", T),
    ("No fever, persistent leg weakness.", "leg_weakness", T),
    ("Scheduled for surgery; no longer able to void.", "bladder_dysfunction", T),
    ("Not able to void - bladder scan 800 mL.", "bladder_dysfunction", T),
    ("Denies urinary retention, able to void.", "bladder_dysfunction", F),
    # From a third attack: a phrase that says its own negation is not denied by a list's "no"
    # ("No fever, unable to void" had read retention absent since before this session).
    ("No fever, unable to void.", "bladder_dysfunction", T),
    ("Denies fever or chills, not able to void x12h.", "bladder_dysfunction", T),
    ("No leg weakness and not able to void.", "bladder_dysfunction", T),
    ("No trauma, unable to heel walk.", "leg_weakness", T),
    ("Not unable to void.", "bladder_dysfunction", F),
    ("Denies inability to void.", "bladder_dysfunction", F),
    ("Not able to pass stool for 4 days, constipated.", "bladder_dysfunction", U),
    ("Denies fever, able to void, not able to empty completely.", "bladder_dysfunction", T),
    # So is a strength graded below normal: an examination, not a list's item.
    ("No fever, hip flexion 3/5 on the left.", "leg_weakness", T),
    ("Denies numbness, EHL 4/5 left.", "leg_weakness", T),
    ("No weakness, 5/5 throughout.", "leg_weakness", F),
    # ... and so does a grade right after the mention, over a denial across the list.
    ("Scheduled for MRI without sedation, leg weakness 3/5 on the left.", "leg_weakness", T),
    ("No fever, leg weakness graded 4/5.", "leg_weakness", T),
    ("No fever, leg weakness, 4/5 is the pain.", "leg_weakness", F),
    # A question answered on a line of its own, as in a scripted protocol.
    ("Any numbness in the saddle area?\nNo.", "saddle_anesthesia", F),
    ("Any trouble passing urine?\nYes, since yesterday.", "bladder_dysfunction", T),
    ("Q: Any saddle numbness?\nA: No", "saddle_anesthesia", F),
    ("Fever?\nNo weakness in the legs.", "fever", U),
    ("Fever?\nCaller unsure.", "fever", U),
    # A time ago in any time unit of units.yaml's words: hours too.
    ("Epidural steroid injection 6 hours ago, now back pain.", "recent_spinal_procedure", T),
    ("Lumbar epidural injection 2 years ago.", "recent_spinal_procedure", U),
    # A doubt that questions a normal phrase itself keeps the finding open; a reasoning that
    # only stands on a normal does not (settings.yaml doubts_of_normal).
    ("Denies bowel/bladder incontinence, unsure if she has urinated today.",
     "bladder_dysfunction", U),
    ("Denies urinary incontinence. Not sure whether he is able to void.",
     "bladder_dysfunction", U),
    ("No saddle numbness. ? normal rectal tone.", "bowel_dysfunction", U),
    ("Denies incontinence. She has voided twice since admission.", "bladder_dysfunction", F),
    ("Low suspicion for infection given afebrile, normal CRP. No fever.", "fever", F),
    ("Low suspicion for spinal infection given afebrile.", "suspected_spinal_infection", F),
    ("Low clinical suspicion for cauda equina syndrome.", "suspected_cauda_equina_syndrome", F),
    ("Suspicion for spinal infection is high.", "suspected_spinal_infection", T),
    # A leading "?" after a full stop doubts what follows it, not the sentence before; a "?"
    # inside an examination phrase doubts the phrase.
    ("Fever. ? normal rectal tone.", "fever", T),
    ("Denies bowel incontinence. Rectal tone ?reduced.", "bowel_dysfunction", U),
    ("Denies numbness. Sensation ?intact in the feet.", "paresthesia", U),
    ("Saddle sensation ?reduced. No saddle numbness reported.", "saddle_anesthesia", U),
    ("Anal tone normal.", "bowel_dysfunction", F),
    ("PR: anal tone ? reduced", "bowel_dysfunction", U),
    # A form's table with yes and no columns: the column marked answers the row; a row left
    # blank is a question unanswered.
    ("| Question | Y | N |\n| Fever or chills | | X |\n| Weakness in legs | X | |",
     "fever", F),
    ("| Question | Y | N |\n| Fever or chills | | X |\n| Weakness in legs | X | |",
     "leg_weakness", T),
    ("| Question | Y | N |\n| Loss of control of bowels | | |\n| Bowel problems | | X |",
     "bowel_dysfunction", U),
    # An answer after a dash; a question holding an aside in brackets.
    ("Have you felt feverish or unwell? \u2014 No", "fever", F),
    ("Weakness in your legs or feet (e.g. tripping)? \u2014 No", "leg_weakness", F),
    ("Weakness in your legs or feet (e.g. tripping)? \u2014 Yes", "leg_weakness", T),
    # "on the R." ends its sentence: the "cannot" before it does not deny what follows.
    ("Today he cannot rise from a squat on the R. Numb patch over the medial shin.",
     "paresthesia", T),
    ("Strength deteriorated from normal to 3/5 in 4 days.", "progressive_neurologic_deficit", T),
    ("Bruising over the lower back resolved within 2 weeks.", "contusion_or_abrasion", T),
    ("Fever resolved.", "fever", F),
    # A strength that could not be graded keeps the finding open.
    ("Hip flexion at least 4/5, ankle DF/PF 5/5 bilaterally.", "leg_weakness", U),
    ("Hip and knee 5/5; ankle and toe movements not testable (splint).", "leg_weakness", U),
    ("No saddle paraesthesia, voiding normally.", "saddle_anesthesia", F),
    ("No saddle paraesthesia, voiding normally.", "paresthesia", U),
    # A procedure "needed" or "meanwhile" is a plan: it says nothing of one done recently.
    ("No spinal injections needed.", "recent_spinal_procedure", U),
    ("No spinal injection or manipulation meanwhile.", "recent_spinal_procedure", U),
    ("Red flags were not re-documented at the second visit.", "fever", U),
    # A list denied after a dash, a label with an aside, a history table's "none".
    ("- Numbness, tingling, weakness in legs \u2014 none reported.", "paresthesia", F),
    ("Cancer (current or past): no", "history_of_cancer", F),
    ("| Item | Response |\n| Cancer | none |", "history_of_cancer", F),
    ("No other red flags besides the foot drop.", "leg_weakness", T),
    # What a record lacks is not what the patient lacks.
    ("No fever was recorded at triage (temperature not taken).", "fever", U),
    ("No documentation of IVDU status.", "injection_drug_use", U),
    ("The reviewer wrote that no red flags such as fever or cancer history were documented.",
     "history_of_cancer", U),
    ("Fever of 39.2 was recorded at triage.", "fever", T),
    ("Denies fever. Rigors overnight.", "fever", T),
    ("Rigor mortis is fully developed.", "fever", U),
    # From a helper's attack: the finding in other words beside its denial.
    ("No saddle anaesthesia on the right side; left buttock and perineum numb to pinprick.",
     "saddle_anesthesia", T),
    ("No saddle numbness reported; on examination reduced pinprick S3-5.", "saddle_anesthesia", T),
    ("Denies urinary symptoms; wife says he has been wetting the bed for 3 nights.",
     "bladder_dysfunction", T),
    ("Pt denies incontinence. Nursing: pad soaked with urine on arrival.", "bladder_dysfunction", T),
    ("No trauma this week; was rear-ended on the motorway at 100 km/h.", "severe_trauma", T),
    ("Denies saddle numbness (has had urinary hesitancy for 2 days).", "bladder_dysfunction", T),
    ("Denies saddle numbness (has had urinary hesitancy for 2 days).", "saddle_anesthesia", F),
    ("Denies fever (no chills either).", "fever", F),
    ("No fevers in the past 24 h on IV antibiotics for discitis.", "suspected_spinal_infection", T),
    # ... and more of the words clinicians write for them.
    ("Denies weakness. Nil power in L ankle dorsiflexion.", "leg_weakness", T),
    ("Denies weakness. MRC grade 2 ankle plantarflexion R.", "leg_weakness", T),
    ("No saddle numbness. Nil sensation to pinprick over buttocks.", "saddle_anesthesia", T),
    ("Denies saddle numbness. Perianal sensation: nil.", "saddle_anesthesia", T),
    ("Denies bowel incontinence. Lack of anal squeeze on DRE.", "bowel_dysfunction", T),
    ("Denies bowel incontinence. No control over bowels since last night.", "bowel_dysfunction", T),
    ("Denies bowel symptoms. Soiled herself twice, unaware.", "bowel_dysfunction", T),
    ("Denies urinary symptoms. Failed trial of void, catheterised.", "bladder_dysfunction", T),
    ("Denies urinary symptoms. Pt reports no wee since last night.", "bladder_dysfunction", T),
    ("No weight loss reported, but has lost a stone in 2 months, not dieting.",
     "unexplained_weight_loss", T),
    ("Weight 72 kg, down from 80 kg in March, not trying.", "unexplained_weight_loss", T),
    ("Hx NSCLC, lobectomy 2020.", "history_of_cancer", T),
    ("Ca prostate on Zoladex.", "history_of_cancer", T),
    ("Dry MM, no guarding.", "history_of_cancer", U),
    ("Graze over L1 spinous process.", "contusion_or_abrasion", T),
    ("Pain unrelenting and worsening daily despite rest.", "gradually_worsening_pain", T),
    # A deficit and the words of its course, a few words apart.
    ("The foot drop has been worse each day this week.", "progressive_neurologic_deficit", T),
    ("The numbness has crept up from the toes to the shins.", "progressive_neurologic_deficit", T),
    ("Motor deficit worsening since triage.", "progressive_neurologic_deficit", T),
    ("Sensory level ascended to L2 on R.", "progressive_neurologic_deficit", T),
    ("A R ankle dorsiflexion deficit that has worsened since June.",
     "progressive_neurologic_deficit", T),
    ("Weakness is not progressing.", "progressive_neurologic_deficit", U),
    # From a second attack: a finding's own negation in its words, a course that did not end.
    ("No anal wink, no perianal sensation.", "saddle_anesthesia", T),
    ("No fever, no perianal sensation loss.", "saddle_anesthesia", F),
    ("No resolution of the fevers.", "fever", T),
    ("Retention resolved with catheter but recurred after TWOC.", "bladder_dysfunction", T),
    ("Foot drop resolved partially, L ankle DF now 4/5.", "leg_weakness", T),
    ("Leg pain resolved after surgery.", "radicular_pain", F),
    ("Denies bowel incontinence (though reports faecal soiling x2 this week).",
     "bowel_dysfunction", T),
    ("Power: hip flex 5/5 bilat, ankle DF R 5/5 L 3/5.", "leg_weakness", T),
    ("He denies loss of feeling in the legs.", "paresthesia", F),
    ("Baseline mild stress leakage since prostatectomy, unchanged. Denies retention.",
     "bladder_dysfunction", F),
    # A denial the note itself calls unreliable says nothing.
    ("Denies bladder symptoms, though history unreliable (GCS 13).", "bladder_dysfunction", U),
    ("No obvious saddle numbness but sensation testing limited by body habitus.",
     "saddle_anesthesia", U),
    ("Denies bowel/bladder sx but hard to assess as pt confused.", "bowel_dysfunction", U),
    ("Denies fever but patient is confused.", "fever", U),
    ("No weakness, but exam is normal.", "leg_weakness", F),
    # A history worked up now is a suspicion of it; the history stays unknown.
    ("This is metastatic disease until proven otherwise.", "suspected_malignancy", T),
    ("MRI to r/o metastatic disease.", "suspected_malignancy", T),
    ("MRI to r/o metastatic disease.", "history_of_cancer", U),
    ("Keep malignancy (myeloma) in the differential.", "suspected_malignancy", T),
    ("DD: pyogenic, malignancy less likely.", "suspected_malignancy", U),
    ("Unsure if she had cancer.", "suspected_malignancy", U),
    ("Mother: ?breast cancer.", "suspected_malignancy", U),
    ("Return if weight loss, possible cancer.", "suspected_malignancy", U),
    ("?Chance fracture L2", "suspected_vertebral_compression_fracture", T),
    ("T12 wedge compression.", "suspected_vertebral_compression_fracture", T),
    ("MRI: mass compressing the cauda equina.", "suspected_cauda_equina_syndrome", T),
    # Collateral history beside the patient's denial; a time "back" as Indian English says ago.
    ("Denies fever (wife says he was burning up and shaking last night).", "fever", T),
    ("Denies fever. Wife says no fever at home.", "fever", F),
    ("Wife says his father had prostate cancer.", "history_of_cancer", U),
    ("ESI at L4-5 2 weeks back.", "recent_spinal_procedure", T),
    # A form's bare answers after their labels.
    ("Fever N / Wt loss N / Numbness Y (L foot)", "fever", F),
    ("Fever N / Wt loss N / Numbness Y (L foot)", "paresthesia", T),
    ("Numbness Y, weakness N", "leg_weakness", F),
    ("Strength 5/5 in both legs, hip flexion limited by pain initially.", "leg_weakness", U),
    ("Strength 5/5 in both legs, hip flexion limited by pain. Denies weakness.",
     "leg_weakness", F),
]  # fmt: skip


# Round 14 (a blind attack, tests/nlp/written set 14): forms answered by side, by box, by
# bracket or in a two-column table; "nil" as a denial; volumes in litres and before their
# name; readings listed after an arrow; UK-notation times before the note; vocabulary.
ROUND_14 = [
    ("Numbness: R foot - no; L foot - yes.", "paresthesia", True),
    ("Numbness  R: N   L: Y", "paresthesia", True),
    ("Leg weakness: R - yes; L - no", "leg_weakness", True),
    ("Numbness: R foot - no; L foot - no.", "paresthesia", False),
    ("Fever: no; R leg - yes", "fever", False),
    ("Saddle anaesthesia \u2610 Yes \u2611 No", "saddle_anesthesia", False),
    ("Saddle anaesthesia \u2611 Yes \u2610 No", "saddle_anesthesia", True),
    ("CES screen: saddle anaesthesia [Yes], urinary retention [No]", "bladder_dysfunction", False),
    ("CES screen: saddle anaesthesia [Yes], urinary retention [No]", "saddle_anesthesia", True),
    ("| Bowel dysfunction | No |", "bowel_dysfunction", False),
    ("| Fever | Yes |", "fever", True),
    ("| Saddle anaesthesia | Not assessed |", "saddle_anesthesia", None),
    ("Fever (-)", "fever", False),
    ("Fever: (-)", "fever", False),
    (
        "Red flags: nil saddle anaesthesia, nil B/B change, nil fevers/sweats.",
        "saddle_anesthesia",
        False,
    ),
    ("Red flags: nil saddle anaesthesia, nil B/B change, nil fevers/sweats.", "fever", False),
    ("Nil wt loss. Nil prev back surgery.", "prior_lumbar_surgery", False),
    ("Fever: nil, saddle numbness present.", "saddle_anesthesia", True),
    ("Kept nil by mouth for possible decompression.", "surgery_or_intervention_candidate", True),
    (
        "Denies retention, voiding OK per patient. In-out catheter: 950 mL residual.",
        "bladder_dysfunction",
        True,
    ),
    ("Passing urine normally per pt. Bladder palpable, scan 1100 mL.", "bladder_dysfunction", True),
    ("Catheterised in ED - residual 1.2 L.", "bladder_dysfunction", True),
    ("Bladder scan >999 mL.", "bladder_dysfunction", True),
    ("Catheterise if PVR >200 mL.", "bladder_dysfunction", None),
    ("Bladder scan 250 mL pre-void, 15 mL post-void.", "bladder_dysfunction", None),
    ("Residual urine ~500 mL/day, unchanged.", "bladder_dysfunction", None),
    ("T: 37.2 -> 38.6 at 04:00", "fever", True),
    ("No fevers per patient; wife reports temps of 38.5 at night.", "fever", True),
    ("Temp 37.2 then 38.6 overnight.", "fever", True),
    ("Return if T >38.", "fever", None),
    ("L5/S1 ESI 2/52 ago.", "recent_spinal_procedure", True),
    ("ESI on 3/12 after failed PT.", "recent_spinal_procedure", None),
    ("No fever, last injected heroin yesterday.", "injection_drug_use", True),
    ("The patient has never used recreational or injected drugs.", "injection_drug_use", False),
    ("Not eating and losing weight without trying.", "unexplained_weight_loss", True),
    ("Lost 6 kg deliberately with Slimming World.", "unexplained_weight_loss", False),
    ("No feeling when wiping.", "saddle_anesthesia", True),
    ("Normal feeling when wiping.", "saddle_anesthesia", None),
    ("She can feel normally when wiping.", "saddle_anesthesia", None),
    (
        "no ivdu\n[21:24] Priya: ok need MRI tonight to r/o CES.",
        "suspected_cauda_equina_syndrome",
        True,
    ),
    ("R/o cauda equina - bladder scan ordered.", "suspected_cauda_equina_syndrome", True),
    ("Low clinical suspicion for cauda equina syndrome.", "suspected_cauda_equina_syndrome", False),
    (
        "Assume neurogenic retention until cauda equina compression has been excluded.",
        "suspected_cauda_equina_syndrome",
        None,
    ),
    ("Cauda equina compression has been excluded.", "suspected_cauda_equina_syndrome", False),
    ("Left plantar flexion is four over five.", "leg_weakness", True),
    ("Hip flexion is five over five.", "leg_weakness", None),
    ("No signs of cauda equina syndrome.", "suspected_cauda_equina_syndrome", False),
    ("Can't dorsiflex R foot.", "leg_weakness", True),
    ("Unable to stand on heels on the R.", "leg_weakness", True),
    ("P&N both soles.", "paresthesia", True),
    ("Parasthesias bilat LE.", "paresthesia", True),
    ("Has been peeing himself since yesterday.", "bladder_dysfunction", True),
    ("Pooed herself without realising.", "bowel_dysfunction", True),
    ("Came off his motorbike at 80 k's on Saturday.", "severe_trauma", True),
    # two weights told a time apart (settings.yaml weight_change)
    (
        "Denies weight loss, but weight today 61 kg vs 69 kg in clinic 3 months ago.",
        "unexplained_weight_loss",
        True,
    ),
    ("Weight 78 kg (Jan) -> 71 kg (today).", "unexplained_weight_loss", True),
    ("Wt 64 kg, was 72 kg 4 months ago.", "unexplained_weight_loss", True),
    ("Her weight has gone up from 68 to 76 kg.", "unexplained_weight_loss", False),
    ("Weight 84 kg (84 kg in January).", "unexplained_weight_loss", False),
    # weights in stones and pounds (units.yaml), not a day of the month
    ("Weight 9st 2lb, was 10st 6lb in March.", "unexplained_weight_loss", True),
    ("Wt 11 st today (11 st 2 lb at Christmas).", "unexplained_weight_loss", None),
    ("Weight 12 st 4 lb, was 12 st 2 lb in March.", "unexplained_weight_loss", False),
    ("Reviewed 21st March: weight 70 kg, was 71 kg in January.", "unexplained_weight_loss", None),
    ("Weight 70 kg -> down 3 kg since March.", "unexplained_weight_loss", None),
    ("Weight is 186 pounds, was 184 in March.", "unexplained_weight_loss", False),
    ("Weight 82 kg (was 84 kg in June).", "unexplained_weight_loss", None),
    (
        "Weight 58.2 kg today, was 62 kg at booking - loss due to vomiting.",
        "unexplained_weight_loss",
        None,
    ),
    (
        "Lost weight from 200 pounds to 180 pounds over the last two or three years.",
        "unexplained_weight_loss",
        None,
    ),
    ("Aim to reduce weight from 100 to 90 kg.", "unexplained_weight_loss", None),
    ("Weight 70 kg, BMI 24, BP 140/90.", "unexplained_weight_loss", None),
    # set 14's words
    ("Nil hx ca.", "history_of_cancer", False),
    ("Hx ca prostate 2019.", "history_of_cancer", True),
    ("[21:21] any ca hx? fevers?", "suspected_malignancy", None),
    ("Myotomes L2-S1 5/5 b/l.", "leg_weakness", False),
    ("Power is full in both legs.", "leg_weakness", False),
    ("Power R 5/5. L ankle DF 3/5.", "leg_weakness", True),
    ("Power/sensation normal LL.", "paresthesia", False),
    ("saddle sensation - normal", "saddle_anesthesia", False),
    ("No saddle and aesthesia.", "saddle_anesthesia", False),
    ("Saddle and aesthesia since Monday.", "saddle_anesthesia", True),
    (
        "physio: Any numbness in your legs?\npt: no\nphysio: Any numbness around your bottom, or "
        "any change peeing or pooing?\npt: no nothing like that.",
        "paresthesia",
        False,
    ),
    ("Has urinary retention; saddle anaesthesia? No.", "bladder_dysfunction", True),
    ("temp 37.9, no reported fevers", "fever", False),
    ("Reports fevers, no reported chills.", "fever", True),
    (
        "No recent trauma (although fell from the top of a 3 m ladder 3 days ago).",
        "severe_trauma",
        True,
    ),
    (
        "Pain doesn't radiate to the buttock; it goes right down the back of the leg to the heel.",
        "radicular_pain",
        True,
    ),
    ("Pain sometimes spreads into the right buttock and thigh.", "radicular_pain", None),
    ("Symptom | Y | N\nFever | | X\nWeight loss | X |", "fever", False),
    ("Symptom | Y | N\nFever | | X\nWeight loss | X |", "unexplained_weight_loss", True),
    ("Fever | no", "fever", False),
    (
        "| Red flag | Present | Absent |\n| Weight loss | | X |\n| Fever | X | |",
        "unexplained_weight_loss",
        False,
    ),
    ("| Red flag | Present | Absent |\n| Weight loss | | X |\n| Fever | X | |", "fever", True),
    ("| Saddle anaesthesia | Absent |", "saddle_anesthesia", False),
    ("Mr Reeve declined; surgery not advised.", "surgery_or_intervention_candidate", False),
    ("Patient declines any injection or surgery.", "surgery_or_intervention_candidate", False),
    ("Pt not keen on injections or surgery.", "surgery_or_intervention_candidate", False),
    ("She is keen to avoid surgery.", "surgery_or_intervention_candidate", False),
    ("Surgery is indicated.", "surgery_or_intervention_candidate", True),
    ("Foot drop in 2010, fully recovered; today power 5/5 throughout.", "leg_weakness", False),
    (
        "Reports numb bottom since Monday and any trouble passing urine? C: no",
        "saddle_anesthesia",
        True,
    ),
    (
        "Counsel: seek urgent help for leg weakness, numbness or bladder problems.",
        "paresthesia",
        None,
    ),
]

#: Round 15, from a third blind attack (docs/performance.md): a denying heading over a bullet
#: list, a new finding after a stale denial, doubts after a denial, volumes with a thousands
#: separator.
ROUND_15 = [
    # a heading's denial reaches its bullet list (settings.yaml denied_lists), up to the first
    # line that is no bullet, or a "+" item
    (
        "Denies:\n- fever\n- weight loss\n- night sweats\nReports:\n- saddle numbness",
        "fever",
        False,
    ),
    (
        "Denies:\n- fever\n- weight loss\n- night sweats\nReports:\n- saddle numbness",
        "saddle_anesthesia",
        True,
    ),
    (
        "Denies:\n  * urinary incontinence\n  * faecal incontinence\n\nOn questioning:\n  * "
        "reduced sensation when wiping",
        "bowel_dysfunction",
        False,
    ),
    ("Denies:\n- fever\n+ saddle numbness", "saddle_anesthesia", True),
    ("Denies: fever\n+ saddle numbness", "saddle_anesthesia", True),
    (
        "Pertinent negatives:\n1. fever\n2. IVDU\nCancer hx: breast 2016",
        "injection_drug_use",
        False,
    ),
    ("Red flags:\n- no fever\n- saddle numbness since Monday", "saddle_anesthesia", True),
    (
        "Screened for saddle anaesthesia, fever and weight loss: all negative apart from new "
        "urinary hesitancy.",
        "saddle_anesthesia",
        False,
    ),
    (
        "Screened for saddle anaesthesia, fever and weight loss: all negative apart from new "
        "urinary hesitancy.",
        "bladder_dysfunction",
        True,
    ),
    # a later examination's words for saddle numbness, after an earlier denial
    (
        "No saddle numbness reported at 11:00.\nAddendum: reduced pinprick sensation in the "
        "perianal region bilaterally.",
        "saddle_anesthesia",
        True,
    ),
    (
        "Saddle sensation normal at 09:00.\nRe-examined: saddle sensation now reduced on the left.",
        "saddle_anesthesia",
        True,
    ),
    ("Perianal sensation patchy.", "saddle_anesthesia", True),
    ("Sensation map: L L5 reduced; perianal markedly reduced.", "saddle_anesthesia", True),
    ("Denies red flags. Later phoned: numb 'down below' on the toilet.", "saddle_anesthesia", True),
    # a symptom that came back; a doubt after a denial
    ("Numbness in L foot resolved in 2021 but has returned today.", "paresthesia", True),
    ("Numbness in L foot resolved in 2021.", "paresthesia", False),
    ("CES unlikely but not excluded.", "suspected_cauda_equina_syndrome", True),
    ("Saddle numbness unlikely but not excluded.", "saddle_anesthesia", None),
    ("No saddle anaesthesia - pt unable to say, very drowsy.", "saddle_anesthesia", None),
    ("No saddle anaesthesia, patient unable to answer.", "saddle_anesthesia", None),
    # volumes: a thousands separator, a volume before voiding
    ("Denies incontinence; however, bladder scan 1,100 ml.", "bladder_dysfunction", True),
    ("PVR 1,250", "bladder_dysfunction", True),
    ("Bladder scan pre-void 320 ml, post-void 20 ml.", "bladder_dysfunction", None),
    # "not a known case of"; a loss intended
    ("Patient is k/c/o DM, HTN. Not k/c/o malignancy.", "history_of_cancer", False),
    ("She has intentionally lost 10 kg on a slimming programme.", "unexplained_weight_loss", False),
    ("She has lost 10 kg, not intentionally.", "unexplained_weight_loss", True),
    # misspelt words of the rules (settings.yaml spelling, nlp/spelling.py); never a word of
    # English, nor a name
    ("new urinary incontinance since yday", "bladder_dysfunction", True),
    ("sadle anaesthesia +", "saddle_anesthesia", True),
    ("Pt on predisolone 20mg for 6 months", "prolonged_corticosteroid_use", True),
    ("osteoperosis on alendronate", "osteoporosis", True),
    ("prev lumbar discetomy 2012", "prior_lumbar_surgery", True),
    ("lost contol of bowels this morning", "bowel_dysfunction", True),
    ("wekness L leg", "leg_weakness", True),
    ("Denies numbnes or tingling.", "paresthesia", False),
    ("He has had fewer falls this year.", "fever", None),
    ("Vetted by: Dr R. Imran, Consultant Radiologist.", "immunocompromised", None),
    # a patient's own words
    ('Patient states: "I can\'t feel my bottom when I sit on the loo."', "saddle_anesthesia", True),
    ("cant feel my bum n cant wee properly", "saddle_anesthesia", True),
    ("cant feel my bum n cant wee properly", "bladder_dysfunction", True),
    ("He can feel his bottom normally.", "saddle_anesthesia", None),
    ("my private part is feeling no sensation", "saddle_anesthesia", True),
    ("urine is not coming properly", "bladder_dysfunction", True),
    ("I had an accident with my bowels this morning", "bowel_dysfunction", True),
    ("stool passed in clothes", "bowel_dysfunction", True),
    ("my legs gave way on the stairs", "leg_weakness", True),
    ("the legs are going weak since yesterday", "leg_weakness", True),
    ("Legs not giving way.", "leg_weakness", None),
    ("my feet feel like they're full of pins", "paresthesia", True),
    # radiation is no improvement: "going down my leg"
    ("the pain is going down my leg into my big toe", "radicular_pain", True),
    ("the pain is going down my leg into my big toe", "gradually_worsening_pain", None),
    ("Pain is going down now, 3/10.", "gradually_worsening_pain", False),
    # a temperature read on a thermometer (settings.yaml temperatures)
    ("Denies fever but wife says he was hot last night, 38.4 on the thermometer.", "fever", True),
    ("36.9 on the home thermometer this morning.", "fever", False),
    # a vertebra named by its level; metastases at a level; a referral's request is no "if"
    ("?fracture L1 - await CT", "suspected_vertebral_compression_fracture", True),
    (
        "MRI: collapse of L1 consistent with osteoporotic fracture.",
        "suspected_vertebral_compression_fracture",
        True,
    ),
    ("XR: VCF T12, ~25% height loss", "suspected_vertebral_compression_fracture", True),
    ("XR L-spine: 30% anterior wedge of L1", "suspected_vertebral_compression_fracture", True),
    ("No fracture of L1 seen.", "suspected_vertebral_compression_fracture", False),
    ("Bone scan: ?mets L2, L4", "suspected_malignancy", True),
    ("I would be grateful if you could consider metastatic disease.", "suspected_malignancy", True),
    (
        "I would be grateful if you could see him; he has left sciatica to the ankle.",
        "radicular_pain",
        True,
    ),
    # an examination's pinprick and anal tone
    ("decreased PP from ~T12 down both legs", "paresthesia", True),
    ("PR: reduced resting tone, weak voluntary squeeze.", "bowel_dysfunction", True),
    ("Weak tone in both legs.", "bowel_dysfunction", None),
    ("Good voluntary squeeze.", "bowel_dysfunction", None),
    # a form's "- No" at the line's end; a speaker's answer to alternatives
    ("Numbness/tingling legs - No\nFever - no", "paresthesia", False),
    ("Saddle numbness - yes\nFever - no", "saddle_anesthesia", True),
    ("Numbness in legs, or around the back passage? A: 'No, none.'", "paresthesia", False),
    ("Saddle numbness since Monday, any fever? A: no", "saddle_anesthesia", True),
    ("Leg weakness, fever? A: no", "leg_weakness", True),
    # radiation and operations denied in other words
    ("no pain below the knees", "radicular_pain", False),
    ("Pain never into the leg.", "radicular_pain", False),
    ("No back op before.", "prior_lumbar_surgery", False),
    ("Had a back op in 2015.", "prior_lumbar_surgery", True),
    # a finding entered on the wrong patient; a doubt stops at a spaced dash
    ("Epidural abscess not ruled out - IVDU yesterday.", "injection_drug_use", True),
    ("No fever - pt unable to say, saddle numbness present.", "saddle_anesthesia", True),
    ("Pt unable to say whether any saddle numbness.", "saddle_anesthesia", None),
    ("He can't say if his bladder is emptying.", "bladder_dysfunction", None),
    (
        "Correction: previously documented 'L foot drop' was entered on the wrong patient. Power "
        "5/5 throughout.",
        "leg_weakness",
        False,
    ),
]


ROUND_16 = [
    # a weak grade written after a normal side's ("DF 5/5 R, 4/5 L."), and the side's full
    # stop ends the sentence: the next one's "not examined" is not about it
    (
        "Strength: hip flexion/knee ext 5/5, ankle DF 5/5 R, 4/5 L. Perineal sensation not "
        "examined.",
        "leg_weakness",
        True,
    ),
    ("EHL 5/5 left, 3/5 right.", "leg_weakness", True),
    ("EHL 5/5 left, 5/5 right.", "leg_weakness", False),
    # "incontinence" with no organ named: the bladder's, unless its sentence is the bowels'
    (
        "Bowels: stool frequency 3-4 per day, Bristol 5-6, some urgency on bad days, no "
        "incontinence.",
        "bladder_dysfunction",
        None,
    ),
    ("Denies incontinence.", "bladder_dysfunction", None),  # continence only: unknown
    ("No difficulty passing urine, no incontinence.", "bladder_dysfunction", False),
    ("New incontinence since yesterday.", "bladder_dysfunction", True),
    ("GU: (-) incontinence.", "bladder_dysfunction", None),
    (
        "Bowels: stool frequency 3-4 per day, Bristol 5-6, no incontinence.",
        "bowel_dysfunction",
        False,
    ),
    # ... and present, it counts for the bladder wherever it is, and for the bowels there
    ("Bowels: incontinent x2 today.", "bowel_dysfunction", True),
    ("Bowels: incontinent x2 today.", "bladder_dysfunction", True),
    ("Diarrhoea for a week and now incontinence.", "bowel_dysfunction", True),
    ("New incontinence, no bowel problems.", "bladder_dysfunction", True),
    # a ticked "neg" box written after its item does not deny the next item (a rule that read
    # "[x] neg" as a forward denial was tried and dropped: it ran into the next item)
    ("Chills [x] neg  Saddle numbness [x] pos", "saddle_anesthesia", True),
    ("Fever [x] neg  Urinary retention +", "bladder_dysfunction", True),
    # a form's label of alternatives is answered whole
    ("Bowel/bladder incontinence or retention: No", "bowel_dysfunction", False),
    # ... but not past another item's answer or a column's gap
    ("Saddle numbness yes    Bladder or bowel: no", "saddle_anesthesia", True),
    ("Saddle numbness Y  Bladder or bowel: N", "saddle_anesthesia", True),
    ("Leg weakness yes numbness or tingling: no", "leg_weakness", True),
    ("Saddle anaesthesia yes\tBladder or bowel: no", "saddle_anesthesia", True),
    ("DF 5/5 R. 4/5 L.", "leg_weakness", True),
    # six weeks of care that did not help, in other words
    (
        "Had 8 weeks of physio, helped a bit then plateaued; pain still most days.",
        "symptoms_persisting_6_weeks",
        True,
    ),
    (
        "Paracetamol and ibuprofen for 6 weeks have not touched it.",
        "symptoms_persisting_6_weeks",
        True,
    ),
    (
        "8 weeks of physio and ibuprofen - nothing has shifted it.",
        "symptoms_persisting_6_weeks",
        True,
    ),
    ("6 weeks of physio and naproxen - leg pain unchanged.", "symptoms_persisting_6_weeks", True),
    ("Physio for 2 weeks, pain unchanged.", "symptoms_persisting_6_weeks", None),
    # radiation through a list of places to below the knee; a referrer's history is this one
    ("Pain L lower back radiating to L buttock, post thigh and calf.", "radicular_pain", True),
    (
        "Referrer's history: known L4/5 disc prolapse, 3 weeks of L sciatica.",
        "radicular_pain",
        True,
    ),
    ("Leg weakness on exam XR: negative", "leg_weakness", True),
    # a line that opens with the complaint ends the history section before it
    (
        "PMHx: DM on insulin, HTN, L knee OA.\nc/o LBP x 1/52, getting worse every day",
        "gradually_worsening_pain",
        True,
    ),
    (
        "PMHx: DM on insulin, HTN, sciatica 2019.\nWorse every day.",
        "gradually_worsening_pain",
        None,
    ),
    ("Pain worse week on week.", "gradually_worsening_pain", True),
    ("Back strain after a high-speed road traffic accident.", "severe_trauma", True),
    ("High speed RTA yesterday.", "severe_trauma", True),
    # a sensory level is lost sensation; "no sensory level" denies only the level
    ("Sensory level approx T12 to pinprick.", "paresthesia", True),
    ("No sensory level.", "paresthesia", None),
]

ROUND_17 = [
    # a gap between a form's columns, after a word, ends a denial reaching forward
    ("no fever  Saddle numbness present.", "saddle_anesthesia", True),
    ("no fever  Saddle numbness present.", "fever", False),
    ("Denies fever  Saddle numbness yes", "saddle_anesthesia", True),
    ("denies fever  leg weakness 4/5 on the left", "leg_weakness", True),
    ("no fever\tSaddle numbness present", "saddle_anesthesia", True),
    ("No fever     possible saddle numbness", "saddle_anesthesia", None),
    # ... not one after a comma or a colon: a denied list joined onto its heading still is
    ("Denies fever, chills,  night sweats", "fever", False),
    ("Denies:\n- fever\n- saddle numbness\nBladder: normal", "saddle_anesthesia", False),
    # ... nor a column's answer, reaching back to its item
    ("Saddle numbness   No     Fever   Yes", "saddle_anesthesia", False),
    # a denial of continence only leaves the bladder unknown; one of retention denies it
    ("Continent of urine and faeces.", "bladder_dysfunction", None),
    ("Continent of urine and faeces.", "bowel_dysfunction", False),
    ("Denies loss of bowel or bladder control.", "bladder_dysfunction", None),
    ("Denies loss of bowel or bladder control.", "bowel_dysfunction", False),
    ("Bladder and bowels normal.", "bladder_dysfunction", False),
    ("No saddle anaesthesia, no bladder or bowel dysfunction.", "bladder_dysfunction", False),
    ("Passing urine normally.", "bladder_dysfunction", False),
    ("New urinary incontinence.", "bladder_dysfunction", True),
    # set 17: a grade in a table's column, French-English grades, a sensory level absent
    ("L ankle PF        2/5               3/5", "leg_weakness", True),
    ("Hip flexion     5/5", "leg_weakness", False),
    ("Force: flexion plantaire G 4/5, D 5/5; dorsiflexion 5/5 bilat.", "leg_weakness", True),
    ("Dorsiflexion cheville D 4/5", "leg_weakness", True),
    ("Sensory below T10 absent.", "paresthesia", True),
    # a sacral level's sensation is the saddle's; a "No" before it does not deny it
    ("No sacral sparing: S4-5 light touch and pinprick absent.", "saddle_anesthesia", True),
    ("S3-S5 sensation reduced.", "saddle_anesthesia", True),
    ("Patchy light touch loss below L3 both legs.", "paresthesia", True),
    ("Numb between the legs since Sunday.", "saddle_anesthesia", True),
    ("Nothing numb between the legs.", "saddle_anesthesia", False),
    ("Nothing helps her leg weakness.", "leg_weakness", True),  # "nothing" reaches one word
    ("Abscess secondary to injecting drug use.", "injection_drug_use", True),
    ("Injected crystal meth several times at the weekend.", "injection_drug_use", True),
    ("Pissing fine, bowels are grand too.", "bladder_dysfunction", False),
    ("Pissing fine, bowels are grand too.", "bowel_dysfunction", False),
    ("Waterworks fine.", "bladder_dysfunction", False),
    # a review of round 17 by a helper who had not seen it: a weak grade in the second column
    ("Hip flexion   5/5   4/5", "leg_weakness", True),
    ("EHL           5/5   3/5", "leg_weakness", True),
    ("Ankle PF   R 5/5   L 2/5", "leg_weakness", True),
    ("flexion plantaire D 5/5 G 3/5", "leg_weakness", True),
    ("Hip flexion   5/5   5/5", "leg_weakness", False),
    # ... a problem after a "fine" phrase, in words the rules did not have
    ("Waterworks fine but straining to pass urine", "bladder_dysfunction", True),
    # ... "not asked" after a question's dash is no answer
    ("Saddle numbness? - not asked.", "saddle_anesthesia", None),
    ("Numb between the legs? - not asked", "saddle_anesthesia", None),
    ("Saddle numbness? - not at all.", "saddle_anesthesia", False),
    # ... gaps of other spaces, or after a bracket or an ellipsis, end a denial too
    ("No fever\u00a0\u00a0Saddle numbness reported by patient", "saddle_anesthesia", True),
    ("No fever\u2003Saddle numbness reported by patient", "saddle_anesthesia", True),
    ("No fever (T 37.1)  saddle numbness reported by patient", "saddle_anesthesia", True),
    ("no fever...  saddle numbness present", "saddle_anesthesia", True),
    # ... but not one right after the denying word
    ("Patient denies  saddle anaesthesia.", "saddle_anesthesia", False),
    ("No  saddle anaesthesia, no  urinary retention.", "bladder_dysfunction", False),
    ("Negative for  fever or saddle numbness.", "saddle_anesthesia", False),
]

ROUND_18 = [
    # round 17's review left these: a wide gap after a comma is a form's next column
    ("No fever,   perianal numbness since Tuesday.", "saddle_anesthesia", True),
    ("No fever,\tperianal numbness since Tuesday.", "saddle_anesthesia", True),
    ("No fever,   perianal numbness since Tuesday.", "fever", False),
    # ... not a typist's double space, nor an indented list joined onto its heading
    ("Denies fever,  chills,  weight loss, saddle numbness.", "saddle_anesthesia", False),
    ("Denies:\n   -   fever\n   -   saddle numbness\n", "saddle_anesthesia", False),
    (
        "Pertinent negatives:\n- no saddle anesthesia\n- no leg numbness, tingling or weakness",
        "leg_weakness",
        False,
    ),
    # ... and a slow start named with the urine, after a "fine"
    ("Pissing fine but takes ages to get going.", "bladder_dysfunction", True),
    ("Urine stream takes a long time to start.", "bladder_dysfunction", True),
    ("No saddle numbness, pee slow to start.", "bladder_dysfunction", True),
    ("Still passing urine but has to strain to start.", "bladder_dysfunction", True),
    ("Stiff in the mornings, takes ages to get going.", "bladder_dysfunction", None),
    ("Urine doesn't take long to get going.", "bladder_dysfunction", None),
    # a form's answer before the next column's label: its own label's, not the next one's
    ("Fever: no   Saddle numbness: yes", "saddle_anesthesia", True),
    ("Fever: no   Saddle numbness: yes", "fever", False),
    ("Fever: no      saddle numbness present", "saddle_anesthesia", True),
    ("Fever: no   fecal incontinence", "bowel_dysfunction", True),
    ("fever - no    saddle numbness - yes", "saddle_anesthesia", True),
    ("fever - no    saddle numbness - yes", "fever", False),
    ("Bladder: no  incontinence", "bladder_dysfunction", None),
    ("Urinary retention   saddle anesthesia? No.", "bladder_dysfunction", True),
    ("Urinary retention\nsaddle anesthesia - no.", "bladder_dysfunction", True),
    ("Urinary retention\nsaddle anesthesia - no.", "saddle_anesthesia", False),
    ("Saddle numbness   No", "saddle_anesthesia", False),
    # set 18: places, words and forms
    ("No numbness in his backside or genitals.", "saddle_anesthesia", False),
    ("No numbness in his backside or genitals.", "paresthesia", None),
    ("Reduced LT R dorsum foot.", "paresthesia", True),
    ("Reduced LT/PP L5-S1 bilat.", "paresthesia", True),
    ("Says top of R foot feels dead.", "paresthesia", True),
    ("DF            4       3\nPF            5       5", "leg_weakness", True),
    ("Knee ext      5       4-\n", "leg_weakness", True),
    ("Knee ext      5       5\n", "leg_weakness", None),
    ("Hip flex      4 weeks ago\n", "leg_weakness", None),
    ("Sensation: perianal pinprick reduced.", "saddle_anesthesia", True),
    (
        "Ddx disc prolapse with cauda equina, epidural haematoma.",
        "suspected_cauda_equina_syndrome",
        True,
    ),
    ("No cauda equina features.", "suspected_cauda_equina_syndrome", False),
    ("Consider insufficiency fracture.", "suspected_vertebral_compression_fracture", True),
    (
        "To exclude a sacral insufficiency fracture.",
        "suspected_vertebral_compression_fracture",
        None,
    ),
    ("Suspect multiple myeloma (?vs metastatic malignancy).", "suspected_malignancy", True),
    ("Any ca hx?", "suspected_malignancy", None),
    ("Neuro obs 4 hrly, report any new weakness/ retention.", "bladder_dysfunction", None),
    ("She is passing urine and stooling normally.", "bladder_dysfunction", None),
    ("CES safety net card given.", "suspected_cauda_equina_syndrome", None),
    # a second review, of round 18: "passing urine without ..." is no normal voiding
    ("Passing urine without realising.", "bladder_dysfunction", True),
    ("Passing urine involuntarily.", "bladder_dysfunction", True),
    ("Passing urine without pain but has to strain.", "bladder_dysfunction", None),
    ("Passing urine without difficulty.", "bladder_dysfunction", False),
    # ... a safety net's "report any" does not reach a deficit already there
    ("Report any new weakness; currently L foot drop.", "leg_weakness", True),
    ("Report any new weakness, already has reduced L DF 4/5.", "leg_weakness", True),
    ("Report any new weakness, numbness or retention.", "leg_weakness", None),
    # ... a blank line ends a paragraph: a denied list above it does not reach below it
    ("Denies:\n- weight loss\n- night sweats\n\nfever 38.6 in ED", "fever", True),
    ("Denies fever or\n\nsaddle numbness.", "saddle_anesthesia", True),
    ("Denies:\n- fever\n- weight loss\nfell off a roof 3m yesterday", "severe_trauma", True),
    ("Denies:\n- fever\n- weight loss\nfell off a roof 3m yesterday", "fever", False),
    # ... a long steroid course told before the drug, or as "prolonged"
    ("New acute pain on 17 months of steroids.", "prolonged_corticosteroid_use", True),
    (
        "Prednisone since Feb, now 12.5 mg daily (5 months in total).",
        "prolonged_corticosteroid_use",
        True,
    ),
    ("On prolonged steroids.", "prolonged_corticosteroid_use", True),
    (
        "Short course prednisone 40 mg x 5 days, avoid prolonged sitting.",
        "prolonged_corticosteroid_use",
        None,
    ),
    # ... and radiation named with the leg
    ("Pain low back with radiation in the left leg.", "radicular_pain", True),
    ("No radiation to the legs.", "radicular_pain", False),
    ("Lumbar radicular syndrome S1 left.", "radicular_pain", True),
    ("Radiation to the left arm.", "radicular_pain", None),
    # ... and the second columns it found unread, in words clinicians and patients use
    ("Faecal incontinence: no\tCan't feel when bowels open: yes", "bowel_dysfunction", True),
    ("Urinary retention: no\tLoss of bladder sensation: yes", "bladder_dysfunction", True),
    ("Saddle anaesthesia: no\tAltered sensation wiping: yes", "saddle_anesthesia", True),
    ("Saddle anaesthesia: no\tNumb genitals: yes", "saddle_anesthesia", True),
    ("Leg weakness: no\tTripping over L foot: yes", "leg_weakness", True),
    ("Weight loss: no\tClothes loose, lost 2 dress sizes: yes", "unexplained_weight_loss", True),
    ("Tripped over a cable.", "leg_weakness", None),
    # ... an item's own answer inside a denied bullet list, and a form's answer in lower case
    ("Denies:\n- fever\n- saddle numbness - yes", "saddle_anesthesia", True),
    ("Denies:\n- fever\n- saddle numbness - present", "saddle_anesthesia", True),
    ("Denies:\n- fever\n- saddle numbness", "saddle_anesthesia", False),
    ("Fever no    Saddle anaesthesia yes", "saddle_anesthesia", True),
    ("Fever no    Saddle anaesthesia yes", "fever", False),
    ("Fever no better", "fever", True),
]

ROUND_19 = [
    # a normal neurological examination in other words: no progressive deficit (unless the
    # note shows a deficit), and a denial of a new deficit only says nothing of its course
    ("No neuro deficit.", "progressive_neurologic_deficit", False),
    ("Neuro: no neurological deficit.", "progressive_neurologic_deficit", False),
    ("Without neurological compromise.", "progressive_neurologic_deficit", False),
    ("Lower limb neurology is normal.", "progressive_neurologic_deficit", False),
    (
        "Neurological examination of the lower limbs normal.",
        "progressive_neurologic_deficit",
        False,
    ),
    ("L/L neuro NAD.", "progressive_neurologic_deficit", False),
    ("Neuro LL normal.", "progressive_neurologic_deficit", False),
    ("Exam: normal neuro.", "progressive_neurologic_deficit", False),
    ("No new neuro deficits.", "progressive_neurologic_deficit", None),
    ("New neuro deficit noted.", "progressive_neurologic_deficit", None),
    ("No neuro deficit. Foot drop since yesterday.", "progressive_neurologic_deficit", None),
    ("No neuro deficit. Foot drop since yesterday.", "leg_weakness", True),
    # a short duration placed in this episode, whatever longer course the note tells
    ("LBP since 2019. This flare began 4 days ago.", "symptoms_persisting_6_weeks", False),
    ("LBP since 2019, flare 4 days ago.", "symptoms_persisting_6_weeks", None),
    # care named and told as tried, with a long course of the pain and no short one
    (
        "Back pain for 4 months. Tried: 8 weeks of physiotherapy, ibuprofen.",
        "symptoms_persisting_6_weeks",
        True,
    ),
    ("Back pain for 2 years. Has had PT and naproxen.", "symptoms_persisting_6_weeks", True),
    ("Back pain for 5 days. Tried ibuprofen.", "symptoms_persisting_6_weeks", False),
    ("Chronic LBP. Tried physiotherapy.", "symptoms_persisting_6_weeks", None),
    ("Back pain for 4 months. Not tried physio yet.", "symptoms_persisting_6_weeks", None),
    ("Back pain for 4 months. Pt has had 2 falls, pt says.", "symptoms_persisting_6_weeks", None),
    (
        "Back pain for 4 months. Has had an elevated CK on statins.",
        "symptoms_persisting_6_weeks",
        None,
    ),
]


ROUND_19_SET = [
    # a cancer "all clear" after treatment is still a history of cancer; a list "all clear"
    # still denies
    ('Colon cancer 2015, resected, "all clear" since.', "history_of_cancer", True),
    ("Fever, night sweats, weight loss: all clear.", "fever", False),
    # the cause after a doubt is a fact: "possible X after Y"
    ("Possible compression fracture after a fall from height.", "severe_trauma", True),
    (
        "Possible compression fracture after a fall from height.",
        "suspected_vertebral_compression_fracture",
        True,
    ),
    # plain words: weight lost, a leg weak or getting weaker, a spinal fracture
    ("He thinks he has lost some weight.", "unexplained_weight_loss", True),
    ("Lost weight on purpose with a diet.", "unexplained_weight_loss", False),
    ("Lost 4 kg deliberately.", "unexplained_weight_loss", False),
    ("Her right leg feels weak.", "leg_weakness", True),
    ("Left ankle weaker than the right.", "leg_weakness", True),
    ("Left ankle weaker than the right.", "progressive_neurologic_deficit", None),
    ("Both legs getting weaker.", "progressive_neurologic_deficit", True),
    ("Her leg is weaker than last week.", "progressive_neurologic_deficit", True),
    ("Query spinal fracture.", "suspected_vertebral_compression_fracture", True),
    ("No spinal fracture on CT.", "suspected_vertebral_compression_fracture", False),
    # a denial of noticing is a denial; not noticing that something happened tells it
    ("She has not noticed any tingling in her feet.", "paresthesia", False),
    ("He did not notice that he had wet himself.", "bladder_dysfunction", True),
    # a drug taken before is no drug now; a denied long course is no long course
    ("Previously on methotrexate.", "immunocompromised", None),
    ("Prednisolone bursts x2 this year, no long-term use.", "prolonged_corticosteroid_use", None),
    ("Prednisolone long-term.", "prolonged_corticosteroid_use", True),
    # safety-netting abbreviated
    ("SN: numb saddle or leg weakness -> ED.", "saddle_anesthesia", None),
    # normal in other words
    ("Power 5/5 and reflexes normal.", "leg_weakness", False),
    ("Power and reflexes intact.", "leg_weakness", False),
    ("Power and sensation intact.", "paresthesia", False),
    ("Heel/toe walk OK.", "leg_weakness", False),
    ("Bowels as usual.", "bowel_dysfunction", False),
    ("Waterworks fine.", "bladder_dysfunction", False),
    ("Weight 70 kg, stable.", "unexplained_weight_loss", False),
    ("Weight up since spring.", "unexplained_weight_loss", False),
    ("No numbness round the back passage.", "saddle_anesthesia", False),
    # a label longer than its last words keeps its answer; a "(new)" label asks of a change
    ("- tingling around the anus: none", "saddle_anesthesia", False),
    ("Leg weakness (new)      N", "leg_weakness", None),
]


ROUND_20 = [
    # a deficit told as unchanged denies a progressive one (settings.yaml stable_deficit) ...
    ("Numbness both soles for 2 yrs, unchanged.", "progressive_neurologic_deficit", False),
    ("Numbness both soles for 2 yrs, unchanged.", "paresthesia", True),
    ("Numb patch R shin since op - unchanged.", "progressive_neurologic_deficit", False),
    ("Stable motor deficit.", "progressive_neurologic_deficit", False),
    ("Stable motor deficit.", "leg_weakness", True),
    ("The numbness has not spread and is about the same.", "progressive_neurologic_deficit", False),
    ("EHL 4/5, same as 2 weeks ago.", "progressive_neurologic_deficit", False),
    # ... but not a severe one, another subject's stability, a negated or doubted stability,
    # a comparison with before an operation, or beside a new deficit
    ("Dense foot drop, unchanged.", "progressive_neurologic_deficit", None),
    ("EHL 1/5, unchanged.", "progressive_neurologic_deficit", None),
    ("Numbness L foot, pain unchanged.", "progressive_neurologic_deficit", None),
    ("Numbness R foot, not the same.", "progressive_neurologic_deficit", None),
    ("Numbness R foot, not about the same.", "progressive_neurologic_deficit", None),
    ("Numbness in the same distribution as the pain.", "progressive_neurologic_deficit", None),
    (
        "Numb R foot - old or new unclear, she thinks the same.",
        "progressive_neurologic_deficit",
        None,
    ),
    ("Numbness L toe, unchanged from pre-op.", "progressive_neurologic_deficit", None),
    (
        "EHL 4/5 (pre-op 4/5, unchanged). Numbness in both feet since yesterday, which is new.",
        "progressive_neurologic_deficit",
        None,
    ),
    (
        "Numbness dorsum L foot, same. Ankle DF 2/5 (was 4/5): progressive L5 motor deficit.",
        "progressive_neurologic_deficit",
        True,
    ),
    (
        "Safety net: if numbness gets worse or the same after 2 weeks, return.",
        "progressive_neurologic_deficit",
        None,
    ),
    # a progressive deficit with its level named
    ("Progressive L L5 motor deficit (foot drop).", "progressive_neurologic_deficit", True),
    # a denied progression is no denial of the deficit it is about
    ("No progression of weakness.", "progressive_neurologic_deficit", False),
    ("No progression of weakness.", "leg_weakness", None),
    ("No deterioration in leg weakness.", "leg_weakness", None),
    ("No progression of the numbness.", "paresthesia", None),
    ("No progression of the numbness.", "progressive_neurologic_deficit", False),
    ("Progression of the numbness into the perineum.", "progressive_neurologic_deficit", True),
    # teaching "when to call" is a safety net
    (
        "Teaching: when to call surgeon (fever > 101, drainage, new weakness).",
        "leg_weakness",
        None,
    ),
    ("Teaching: when to call surgeon (fever > 101, drainage, new weakness).", "fever", None),
    # a denial that shares the target's first words denies it ("no evidence of" and "evidence
    # of metastasis"); a sign of a tumour denied says nothing of the suspicion or a history
    ("No evidence of metastasis.", "suspected_malignancy", None),
    ("CT showed no evidence of metastatic disease.", "suspected_malignancy", None),
    ("No sign of cancer was found.", "suspected_malignancy", None),
    ("Evidence of metastasis on CT.", "suspected_malignancy", True),
    ("Low suspicion for malignancy.", "suspected_malignancy", False),
    ("No features of malignancy.", "suspected_malignancy", False),
    ("No bone metastases.", "history_of_cancer", None),
    ("No bone metastases.", "suspected_malignancy", False),
    ("He hasn't peed since last night.", "bladder_dysfunction", True),
    # a spinal metastasis told at its level; a doubt not "fully" excluded
    ("Lung cancer with metastasis at the lower lumbar spine.", "suspected_malignancy", True),
    ("A pathological fracture cannot be fully excluded.", "suspected_malignancy", True),
    ("Malignancy cannot be completely excluded.", "suspected_malignancy", True),
]

# From the errors of a sixteenth written set (notes_20), rules for any note.
ROUND_21 = [
    # a duration told in more ways: a month is 30 days (units.yaml), so "a month" is no longer
    # course than six weeks; the time right after the pain; a template's field; "I've had"
    ("Back ache x 1 month, worse at night.", "symptoms_persisting_6_weeks", False),
    ("Low back pain for a month, no leg pain.", "symptoms_persisting_6_weeks", False),
    ("Low back pain for 1-2 months.", "symptoms_persisting_6_weeks", None),
    ("Back pain for 3 months, no relief with physio.", "symptoms_persisting_6_weeks", True),
    ("PC: back pain 3 weeks, mid-lumbar.", "symptoms_persisting_6_weeks", False),
    ("LBP 10 days, no trauma.", "symptoms_persisting_6_weeks", False),
    ("Back pain 3 days a week for years.", "symptoms_persisting_6_weeks", None),
    ("Back pain 2 weeks after the operation.", "symptoms_persisting_6_weeks", None),
    ("Onset/duration: 12 days.", "symptoms_persisting_6_weeks", False),
    ("Duration of symptoms: 4 months.", "symptoms_persisting_6_weeks", None),
    ("He reports low back pain of 5 days duration.", "symptoms_persisting_6_weeks", False),
    (
        "For about 4 weeks I've had a dull ache low in my back.",
        "symptoms_persisting_6_weeks",
        False,
    ),
    ("This episode started ~2 wks ago.", "symptoms_persisting_6_weeks", False),
    ("Stiff lower back for 3 weeks since a new chair.", "symptoms_persisting_6_weeks", False),
    ("His back has been sore for 12 days.", "symptoms_persisting_6_weeks", False),
    ("Chronic LBP, flare 2 days ago.", "symptoms_persisting_6_weeks", None),
    # a steroid denied: in a list with "injection drug use" (no route of the steroid), after
    # "not on any", a qualified form label, a denial after a route's clause
    (
        "No history of cancer, steroid use, or injection drug use.",
        "prolonged_corticosteroid_use",
        False,
    ),
    ("Not on any immunosuppressants or steroids.", "prolonged_corticosteroid_use", False),
    ("Not on any immunosuppressants or steroids.", "immunocompromised", None),
    ("Steroid use > 3 months: No", "prolonged_corticosteroid_use", False),
    ("Steroid tablets for 3 months: No", "prolonged_corticosteroid_use", False),
    ("Asthma: inhalers only, no steroid tablets in years.", "prolonged_corticosteroid_use", False),
    ("Uses a steroid inhaler daily.", "prolonged_corticosteroid_use", None),
    ("Takes no regular medications.", "prolonged_corticosteroid_use", None),
    # ... and the other findings' qualified labels: the label is before its qualifier
    ("Weight loss > 5 kg: No", "unexplained_weight_loss", False),
    ("Cancer ever: No", "history_of_cancer", False),
    ("Malignancy within 5 years: No", "history_of_cancer", None),
    ("No malignancy within 5 years.", "history_of_cancer", None),
    # a normal examination listed, of the legs (not the arms)
    ("Power, reflexes and sensation in the legs were normal.", "leg_weakness", False),
    ("Power, reflexes and sensation in the legs were normal.", "paresthesia", False),
    ("Strength, tone and sensation of both lower limbs normal.", "leg_weakness", False),
    ("Legs: normal power, reflexes and sensation.", "paresthesia", False),
    ("Sensation in both legs intact.", "paresthesia", False),
    ("Power and sensation in the upper limbs normal.", "leg_weakness", None),
    ("Power and sensation in the upper limbs normal.", "paresthesia", None),
    ("Power, reflexes and sensation normal apart from EHL 4/5 on the left.", "leg_weakness", True),
    # the bowels and the pain's reach, told briefly
    ("Bowels opened this morning, normal.", "bowel_dysfunction", False),
    ("Bowels opened this morning.", "bowel_dysfunction", None),
    ("Micturition and defaecation normal.", "bowel_dysfunction", False),
    ("Micturition and defaecation normal.", "bladder_dysfunction", False),
    ("Ache into the L buttock, none below.", "radicular_pain", False),
    ("Pain to the buttock, not further.", "radicular_pain", False),
    ("The pain does not spread below the buttock.", "radicular_pain", False),
    ("She has never had pain below the buttocks.", "radicular_pain", False),
    ("No pain in either leg.", "radicular_pain", False),
    ("Pain in the legs on walking.", "radicular_pain", None),
    ("Pain to the knee but not below.", "radicular_pain", None),
    ("No temps, no sweats.", "fever", False),
    ("No temperature recorded.", "fever", None),
    ("Weight: 71 kg, stable.", "unexplained_weight_loss", False),
]

ROUND_20_SET = [
    # a course told as a clause of its own is not denied by a list's denial before it
    (
        "5 weeks of low back pain, started without injury, worse each week.",
        "gradually_worsening_pain",
        True,
    ),
    (
        "Pain began 2 months ago without any injury and has become steadily worse.",
        "gradually_worsening_pain",
        True,
    ),
    ("Denies fever, weight loss or worsening pain.", "gradually_worsening_pain", False),
    # a "History:" label and a history given by a relative are the patient's presentation
    ("History: back pain worse each week.", "gradually_worsening_pain", True),
    ("History (with his wife): back pain worse each week.", "gradually_worsening_pain", True),
    ("History from his wife: back pain worse each week.", "gradually_worsening_pain", True),
    ("History: mother had breast cancer.", "history_of_cancer", None),
    ("History of lumbar discectomy 2010.", "prior_lumbar_surgery", True),
    # a bulleted question with its aside, answered
    ("- Ever injected drugs, even once? No", "injection_drug_use", False),
    # a cancer named as the concern is a suspicion, not a history
    ("Myeloma is the leading concern.", "history_of_cancer", None),
    ("Myeloma is the leading concern.", "suspected_malignancy", True),
    ("Cancer is a possibility.", "suspected_malignancy", True),
    ("Epidural abscess remains the main concern.", "suspected_spinal_epidural_abscess", True),
    # a safety net: "attend ED with any"
    ("Advised to attend ED with any leg weakness or numbness.", "paresthesia", None),
    ("Return to clinic with any new numbness.", "paresthesia", None),
    ("He came to ED with new leg weakness.", "leg_weakness", True),
    # chemotherapy told with the years it ran has ended
    ("Osteosarcoma, chemotherapy 2011-12.", "immunocompromised", None),
    ("Chemotherapy 2011\u20132012 for lymphoma.", "immunocompromised", None),
    ("On chemotherapy since 2024.", "immunocompromised", True),
    # a fall denied denies the trauma, unless bounded or the patient is osteoporotic
    ("No falls.", "severe_trauma", False),
    ("She did not fall.", "severe_trauma", False),
    ("Lifting a sofa. Not from a fall.", "severe_trauma", False),
    ("No new weakness, no falls, no fevers.", "severe_trauma", False),
    ("No falls since the last visit.", "severe_trauma", None),
    ("No falls on the ward.", "severe_trauma", None),
    ("No recent falls.", "severe_trauma", None),
    ("He has not fallen in the last month.", "severe_trauma", None),
    # (a lift told as the onset is the trauma in an osteoporotic patient: settings.yaml
    # only_with, round 23; "carrying a child upstairs" is not told as one)
    ("Osteoporosis on alendronate. Carrying a child upstairs. No fall.", "severe_trauma", None),
    (
        "Osteoporosis on alendronate. Pain began after carrying a child upstairs. No fall.",
        "severe_trauma",
        True,
    ),
    (
        "No falls. Fell 10 feet from a ladder last year? No, fell from a roof today.",
        "severe_trauma",
        True,
    ),
    # a longer course in a condition is none; the time told first
    (
        "10 days of low back pain. See me if the pain is not settling within a few weeks.",
        "symptoms_persisting_6_weeks",
        False,
    ),
    (
        "For five weeks she has had an ache across the lower back.",
        "symptoms_persisting_6_weeks",
        False,
    ),
    # a cancer doubted now keeps a denied history open (it may be that cancer); "X is not a
    # malignancy" classifies X
    ("? lymphoma. No previous cancer.", "history_of_cancer", None),
    ("Possible history of lymphoma. No previous cancer.", "history_of_cancer", None),
    ("MGUS itself is not a malignancy.", "history_of_cancer", None),
]

ROUND_22 = [
    # a denial with an exception after the place it names: the finding is there
    (
        "No numbness or tingling in her legs or feet beyond the old patch on her left sole.",
        "paresthesia",
        True,
    ),
    ("No tingling in the legs other than the known patch.", "paresthesia", True),
    ("No weakness in either leg except the known foot drop.", "leg_weakness", True),
    ("No pain beyond the knee.", "radicular_pain", False),
    # a weaker stream is a change of voiding
    ("Nocturia for a year; stream weaker lately, no retention.", "bladder_dysfunction", True),
    ("Urinary flow has become slower, no leaks.", "bladder_dysfunction", True),
    ("Up twice a night and the stream weak for years, no change.", "bladder_dysfunction", None),
    ("Peak flow reduced.", "bladder_dysfunction", None),
    # normal sensation of the saddle is no leg sensation
    ("Saddle sensation normal to light touch.", "saddle_anesthesia", False),
    ("Saddle sensation normal to light touch.", "paresthesia", None),
    ("Sensation normal to light touch in both legs.", "paresthesia", False),
    # an arrow orders two weights whatever the words after say
    ("Weight 82 kg -> 74 kg since March, not dieting.", "unexplained_weight_loss", True),
    ("Weight 74 kg -> 75 kg since March.", "unexplained_weight_loss", False),
    # a safety net: "sooner for ..."
    ("Review in 2 weeks, sooner for fever or leg weakness.", "fever", None),
    ("Review in 2 weeks, sooner for fever or leg weakness.", "leg_weakness", None),
    # a procedure not needed is a decision against one, not a denial of one done
    ("She does not need a spinal injection.", "recent_spinal_procedure", None),
    ("She does not need a spinal injection.", "surgery_or_intervention_candidate", False),
    ("He doesn't need surgery.", "surgery_or_intervention_candidate", False),
    ("Surgery is not needed now.", "surgery_or_intervention_candidate", False),
    ("No spinal injections.", "recent_spinal_procedure", False),
    # a waiting list is a plan, not an operation done
    ("Listed: L4/5 microdiscectomy, 20 weeks ago.", "prior_lumbar_surgery", None),
    ("Listed: L4/5 microdiscectomy, 20 weeks ago.", "surgery_or_intervention_candidate", True),
    ("Review of patients waiting for spinal surgery.", "prior_lumbar_surgery", None),
    (
        "Not on any GLP-1 (awaiting supply) and no bariatric surgery.",
        "surgery_or_intervention_candidate",
        None,
    ),
    # a pain told down to the calf or foot
    ("Pain in both legs down to the calves.", "radicular_pain", True),
    ("Both legs ache down into the calves on walking.", "radicular_pain", True),
    ("The pain runs into the back of the L thigh and calf.", "radicular_pain", True),
    ("No pain in the legs down to the feet.", "radicular_pain", False),
    ("Pain spreads into the buttock and thigh, not past the knee.", "radicular_pain", False),
    # care that did nothing over a long span
    ("Back pain. 8 weeks of physio last year did nothing.", "symptoms_persisting_6_weeks", True),
    (
        "He completed 8 weeks of physiotherapy and says it made no real difference.",
        "symptoms_persisting_6_weeks",
        True,
    ),
    (
        "LBP; 16 weeks of physiotherapy and pregabalin without meaningful benefit.",
        "symptoms_persisting_6_weeks",
        True,
    ),
    # a procedure's own account stays the procedure's, after its indication too
    ("Procedure: ESI. No paresthesias during the injection.", "paresthesia", None),
    (
        "Procedure: L4/5 epidural injection.\nIndication: radicular pain.\n"
        "No paresthesias during the injection.",
        "paresthesia",
        None,
    ),
    # an answer before a bracket, unless the bracket doubts it
    ("Fever today?  NO (T 36.6 C)", "fever", False),
    ("Saddle numbness? - (not asked)", "saddle_anesthesia", None),
    ("Saddle numbness: No (pt unable to say)", "saddle_anesthesia", None),
    # found by a review of this round: none of these may lose a present finding
    ("Earlier in the week she developed saddle numbness.", "saddle_anesthesia", True),
    ("Seen by GP earlier with fever and new leg weakness.", "leg_weakness", True),
    ("Denies numbness in legs except R heel, denies fever.", "paresthesia", True),
    ("No numbness in either of her lower extremities except the right heel.", "paresthesia", True),
    ("No weakness in either leg beyond the known foot drop.", "leg_weakness", True),
    (
        "Did not need sedation for the L4/5 epidural injection yesterday.",
        "recent_spinal_procedure",
        True,
    ),
    (
        "Waiting for the wound to heal after the L4/5 decompression last week.",
        "recent_spinal_procedure",
        True,
    ),
    ("Previous operations listed: L4/5 discectomy 2019.", "prior_lumbar_surgery", True),
    ("Pain never goes down to the feet.", "radicular_pain", False),
    ("No numbness in the legs, and apart from that she is well.", "paresthesia", False),
    ("Weight 64 kg today -> was 71 kg in January.", "unexplained_weight_loss", True),
]

ROUND_23 = [
    # pain told unchanged says nothing of its course over days (11 of 13 labelled notes leave
    # it unknown), even over months: a worsening may follow
    ("Back pain unchanged in character; no new symptoms.", "gradually_worsening_pain", None),
    ("Post-procedure: comfortable, back ache unchanged.", "gradually_worsening_pain", None),
    ("Back pain unchanged for the past two years.", "gradually_worsening_pain", None),
    (
        "Pain the same for years until 3 weeks ago, since then worsening.",
        "gradually_worsening_pain",
        None,
    ),
    ("Pain improving each day.", "gradually_worsening_pain", False),
    # a steroid course quoted in the patient's words
    (
        'Takes prednisone 10 mg every day for "over 2 years" (med list agrees).',
        "prolonged_corticosteroid_use",
        True,
    ),
    # "unlikely ... but cannot be excluded" is a suspicion, even across an aside ("cannot" is
    # two words to spaCy)
    (
        "Cauda equina syndrome is unlikely (retention well explained, normal anal tone) but "
        "cannot be excluded - MRI today.",
        "suspected_cauda_equina_syndrome",
        True,
    ),
    ("CES unlikely, but can't be ruled out.", "suspected_cauda_equina_syndrome", True),
    ("Cauda equina syndrome is unlikely.", "suspected_cauda_equina_syndrome", False),
    # a deficit's stability is not the pain's course
    ("L foot numbness (S1) as before surgery, no worse.", "gradually_worsening_pain", None),
    ("L foot numbness (S1) as before surgery, no worse.", "progressive_neurologic_deficit", False),
    ("Back pain no worse.", "gradually_worsening_pain", False),
    # a normal void and none since is no normal bladder
    ("Passed urine normally at 7 am, none since.", "bladder_dysfunction", None),
    ("Passed urine normally at 7 am.", "bladder_dysfunction", False),
    # an X-ray's "no bony injury" is no denial of the injury; a soft tissue finding after a
    # bony denial is there
    ('X-ray: "no bony injury, soft tissue contusion" over L2.', "severe_trauma", None),
    ('X-ray: "no bony injury, soft tissue contusion" over L2.', "contusion_or_abrasion", True),
    ("No soft tissue swelling or bruising over the spine.", "contusion_or_abrasion", False),
    # bladder and bowels told normal in more words
    ("Bladder and bowels working normally.", "bladder_dysfunction", False),
    ("Peeing and bowels normal.", "bowel_dysfunction", False),
    ("Denies trouble with urine or stool.", "bowel_dysfunction", False),
    ("Reports trouble with urine and stool since Monday.", "bladder_dysfunction", True),
    # an operation listed for a date is planned, not done
    (
        "Procedure: L3/4 and L4/5 decompression (laminectomy), listed by Mr Adeyemi for 18 March.",
        "recent_spinal_procedure",
        None,
    ),
    (
        "Procedure: L4/5 decompression, booked for next week.",
        "surgery_or_intervention_candidate",
        True,
    ),
    # an empty box on a form says nothing of its label
    ("Check ALL that apply:\n\u2610 fever or sweats\n\u2610 weakness of the legs", "fever", None),
    (
        "Check ALL that apply:\n\u2610 fever or sweats\n\u2610 weakness of the legs",
        "leg_weakness",
        None,
    ),
    ("[ ] fever [x] numbness in both feet", "paresthesia", True),
    ("[x] leg weakness [ ] saddle numbness", "saddle_anesthesia", None),
    # a graded weakness everywhere, and a motor block
    ("Power about 3/5 throughout.", "leg_weakness", True),
    ("Bromage 3 - cannot move knees or feet.", "leg_weakness", True),
    ("Can move both legs.", "leg_weakness", None),
    # neuraxial anaesthesia is a recent spinal procedure when done, and no candidacy
    ("Elective C/S 13 days ago under spinal anaesthesia.", "recent_spinal_procedure", True),
    ("Thoracic epidural T9/10 sited in theatre on day 0.", "recent_spinal_procedure", True),
    ("CT-guided L2/3 disc biopsy 19 days ago.", "recent_spinal_procedure", True),
    (
        "Anaesthetic options: a spinal anaesthetic would be our usual choice for TKA.",
        "surgery_or_intervention_candidate",
        None,
    ),
    # numbness told spreading, a perianal numbness told as dead, a sensory block's level
    ("Numb from the feet up to the knees and spreading.", "progressive_neurologic_deficit", True),
    ("Numb patch on the shin, not spreading.", "progressive_neurologic_deficit", False),
    ('Around the back passage feels "a bit dead" when he wiped.', "saddle_anesthesia", True),
    ("Sensory block adequate to T10 for caesarean.", "paresthesia", None),
    # a fall from standing or a lift is severe trauma only beside osteoporosis or long-term
    # steroids
    ("She fell at home yesterday. Osteoporosis on alendronate.", "severe_trauma", True),
    ("She fell at home yesterday.", "severe_trauma", None),
    ("He fell asleep in the chair. Osteoporosis.", "severe_trauma", None),
    ("Her husband fell last week. Osteoporosis.", "severe_trauma", None),
    ("Pain worse with lifting heavy objects. Osteoporosis.", "severe_trauma", None),
    (
        "Osteoporosis. The pain fell away. BP fell to 90/60. Referred to the falls clinic.",
        "severe_trauma",
        None,
    ),
    ("Osteoporosis. Paramedics lifted her onto the trolley.", "severe_trauma", None),
    ("Osteoporosis. No injury. Tripped over a rug yesterday.", "severe_trauma", True),
    ("Long-term prednisolone for PMR. No trauma. S/p fall 2/7 ago.", "severe_trauma", True),
    ("Fever [x] No [ ] Yes   Saddle numbness [ ] No [x] Yes", "saddle_anesthesia", True),
    (
        "Cancer history \u2610  Weight loss \u2610  Saddle numbness \u2713",
        "saddle_anesthesia",
        True,
    ),
    ("[ ] GP letter  Notes: progressive bilateral leg weakness", "leg_weakness", True),
    (
        "Fever 38.5 and IVDU, epidural abscess unlikely but cannot be excluded.",
        "fever",
        True,
    ),
    (
        "CES unlikely as there is no retention, but cannot be excluded.",
        "bladder_dysfunction",
        False,
    ),
    (
        "Procedure: L4/5 facet injection, booked in January, done today.",
        "recent_spinal_procedure",
        True,
    ),
    ("He cannot move his legs because of pain.", "leg_weakness", None),
    ("Tingling in the fingers, spreading up the arm.", "progressive_neurologic_deficit", None),
    (
        "While lifting a full bucket she felt something snap. On prednisolone 10 mg daily for 3 "
        "years.",
        "severe_trauma",
        True,
    ),
    ("No fall. Osteoporosis.", "severe_trauma", None),
]

ROUND_24 = [
    # a neuraxial anaesthetic the procedure section recalls from years ago is not this one
    (
        "PROCEDURE: Right knee arthroscopy under general anaesthesia. History of a spinal "
        "anaesthetic for her caesarean in 2015, uneventful.",
        "recent_spinal_procedure",
        None,
    ),
    (
        "PROCEDURE: Right knee arthroscopy under spinal anaesthetic.",
        "recent_spinal_procedure",
        True,
    ),
    (
        "PROCEDURE: Right knee arthroscopy under spinal anaesthetic.",
        "surgery_or_intervention_candidate",
        None,
    ),
    # a diagnosis judged unlikely and kept open later in its sentence is suspected
    (
        "CES is unlikely as there is no retention, but it cannot be excluded.",
        "suspected_cauda_equina_syndrome",
        True,
    ),
    (
        "CES is unlikely as there is no retention, but it cannot be excluded.",
        "bladder_dysfunction",
        False,
    ),
    ("Low suspicion for CES but cannot exclude.", "suspected_cauda_equina_syndrome", True),
    ("Low suspicion for CES.", "suspected_cauda_equina_syndrome", False),
    (
        "CES unlikely, but infection cannot be excluded.",
        "suspected_cauda_equina_syndrome",
        False,
    ),
    # a form's option left unticked denies nothing
    ("Weakness: \u2610 none \u2610 mild \u2611 severe", "leg_weakness", None),
    ("Weakness: \u2611 none \u2610 mild \u2610 severe", "leg_weakness", False),
    # an anaesthetic for labour or an operation, told by what it was for
    ("Epidural for labour 3 days ago.", "recent_spinal_procedure", True),
    ("She had a spinal for her caesarean 5 days ago.", "recent_spinal_procedure", True),
    ("CSE for labour yesterday.", "recent_spinal_procedure", True),
    ("Referred to spinal for review of surgery.", "surgery_or_intervention_candidate", True),
    # an onset on lifting, beside osteoporosis
    ("Pain came on lifting a bag. Osteoporosis.", "severe_trauma", True),
    ("Pain on lifting the leg. Osteoporosis.", "severe_trauma", None),
]

# Round 24 (the twentieth written set, first looked at on 4ecadf2)
ROUND_24_SET = [
    # care that has "not settled" the pain has failed
    (
        "Sciatica for 5 months, not settled with 10 weeks of physiotherapy and naproxen.",
        "symptoms_persisting_6_weeks",
        True,
    ),
    # "Advice:" stays a safety net, with or without an "if"
    ("Advice: worsening leg weakness or urinary retention -> 999.", "leg_weakness", None),
    ("Advice: call back if you develop a fever.", "fever", None),
    (
        "MSCC advice given in writing: new leg weakness, numbness or bladder problems - go to "
        "ED immediately.",
        "progressive_neurologic_deficit",
        None,
    ),
    # a denial after what it denies
    ("Fever denied.", "fever", False),
    ("Pain below the knee denied.", "radicular_pain", False),
    ("Saddle numbness present, fever denied.", "saddle_anesthesia", True),
    ("Osgood-Schlatter: pain below the knee cap.", "radicular_pain", None),
    # an "Indication:" line ends the procedure's header: the presentation again
    (
        "Patient: Ms K., 40. Procedure: caudal epidural steroid injection.\nIndication: left "
        "leg radicular pain to the calf after an L5/S1 microdiscectomy (2020).",
        "prior_lumbar_surgery",
        True,
    ),
    # a spouse or carer who gives the history is not the one it is about
    ("Wife: he has lost 6 kg in 2 months, not dieting.", "unexplained_weight_loss", True),
    ("Call 08:50 (wife): 9 days of back pain, worse each day.", "gradually_worsening_pain", True),
    ("Married. Wife: breast cancer 2019.", "history_of_cancer", None),
    ("Breast cancer (wife).", "history_of_cancer", None),
    # the pain's path below the knee
    (
        "Right leg pain, from the buttock down the back of the thigh and calf to the heel.",
        "radicular_pain",
        True,
    ),
    ("Leg pain below the knee.", "radicular_pain", True),
    ("No pain below the knee.", "radicular_pain", False),
    # a fracture named by its region; a road traffic accident; thrown off
    (
        "Suspected fracture of the thoracolumbar spine (?L1).",
        "suspected_vertebral_compression_fracture",
        True,
    ),
    ("Imp: RTA - blunt back trauma.", "severe_trauma", True),
    ("- RTC 2 wks / sooner prn.", "severe_trauma", None),
    ("He was thrown off and landed on his back on the tarmac.", "severe_trauma", True),
    ("Thrown off balance, no fall, no injury.", "severe_trauma", False),
    ("The car rolled twice.", "severe_trauma", True),
    ("Lumbar support (rolled blanket) in the seat.", "severe_trauma", None),
    # a simile is no trauma
    ('Pain "like I had been hit by a bus" since the seizure.', "severe_trauma", None),
    # listing for an operation is planning it, not a history of it
    (
        "Thank you for listing Mrs B. for a right L5/S1 microdiscectomy on 12 June.",
        "prior_lumbar_surgery",
        None,
    ),
    (
        "Thank you for listing Mrs B. for a right L5/S1 microdiscectomy on 12 June.",
        "surgery_or_intervention_candidate",
        True,
    ),
    # a weight loss the note explains says nothing; a denied explanation explains nothing
    (
        "Weight down 6 kg since spring - the dietitian puts it down to a poorer appetite.",
        "unexplained_weight_loss",
        None,
    ),
    ("Lost 6 kg in 2 months, he hasn't been dieting.", "unexplained_weight_loss", True),
    ("Weight loss of 6 kg, not due to dieting.", "unexplained_weight_loss", True),
    # continence alone leaves the bladder open (tests/nlp/mtsamples/LABELLING.md)
    ("No problems with bladder or bowel control.", "bladder_dysfunction", None),
    ("No problems with bladder or bowel control.", "bowel_dysfunction", False),
    # a deficit "the same as his last flare" compares its kind, not its course
    (
        "Tingling on the outside of the left foot - the same as his flare in 2022.",
        "progressive_neurologic_deficit",
        None,
    ),
    ("Numbness of the left foot, the same as before.", "progressive_neurologic_deficit", False),
    # a form's label of alternatives answered once
    (
        "- Numbness between the legs or around the back passage when wiping: none.",
        "saddle_anesthesia",
        False,
    ),
    ('- Numbness? "Sometimes the heel feels a bit dead."', "paresthesia", True),
    # a form's empty box: after its label when boxes follow labels; before the next item's
    # label when boxes lead; either way it keeps nothing open
    ("Fever \u2610  Weight loss \u2611", "fever", None),
    ("Fever \u2610  Weight loss \u2611", "unexplained_weight_loss", True),
    (
        "Mechanism: [ ] fall from height [ ] slip/trip [x] other. No fall.",
        "severe_trauma",
        False,
    ),
    ("Saddle anaesthesia \u2610 Yes \u2611 No", "saddle_anesthesia", False),
    # walking or standing on heels and toes is normal strength (51 of 51 labelled notes);
    # unable to, it is weakness
    ("Walks on heels and on toes normally, both sides.", "leg_weakness", False),
    ("Stands on heels and on toes on both sides.", "leg_weakness", False),
    ("Cannot walk on heels and toes.", "leg_weakness", True),
    ("Cannot walk on heels or toes because of pain.", "leg_weakness", None),
]

# A review of round 24's first version (f851b37) by a helper writing its own sentences: each
# of these was read wrong by that version.
ROUND_24_REVIEW = [
    # a label of alternatives does not reach back past a joining word
    ("Fever 38.6 at home yesterday and night sweats or weight loss: no", "fever", True),
    (
        "Pt has numbness in the saddle area today but bladder or bowel incontinence: no",
        "saddle_anesthesia",
        True,
    ),
    (
        "Bilateral leg weakness worse today with any bladder or bowel change: no",
        "leg_weakness",
        True,
    ),
    # an explanation elsewhere in the sentence, or one denied, explains no weight loss
    (
        "Unexplained weight loss 6 kg in 2 months; back pain due to a fall last week.",
        "unexplained_weight_loss",
        True,
    ),
    (
        "Unintentional weight loss of 7 kg in 3 months, admitted because of severe back pain.",
        "unexplained_weight_loss",
        True,
    ),
    ("Lost 6 kg in 2 months with no attempt at dieting.", "unexplained_weight_loss", True),
    # boxes that lead a line's items after a numbered or bracketed prefix
    (
        "Red flags (tick if present): \u2611 saddle anaesthesia \u2610 fever",
        "saddle_anesthesia",
        True,
    ),
    ("1) \u2611 saddle numbness \u2610 urinary retention", "saddle_anesthesia", True),
    ("Screened today. \u2611 leg weakness \u2610 saddle numbness", "leg_weakness", True),
    ("Saddle anaesthesia \u2610 Denied \u2611 Reported", "saddle_anesthesia", True),
    ("Fever \u2610 <37.5 \u2611 >38", "fever", True),
    # a template's box before a denial is not an option offered
    (
        "\u2610 Safety-netting done  No suspicion of spinal infection.",
        "suspected_spinal_infection",
        False,
    ),
    # "cannot exclude" something else keeps no judged diagnosis open
    (
        "Low suspicion for CES but cannot exclude a disc prolapse.",
        "suspected_cauda_equina_syndrome",
        False,
    ),
    # a plan to list for surgery ends at its clause
    (
        "Listed Mr J for L4/5 decompression, on prednisolone 10 mg daily for 3 years for PMR.",
        "prolonged_corticosteroid_use",
        True,
    ),
    (
        "Listing her for revision L4/5 decompression as previous L4/5 laminectomy 2015 has failed.",
        "prior_lumbar_surgery",
        True,
    ),
    # a procedure's field with its value on the next line; its account after it
    (
        "Patient: Ms K., 40. Procedure:\nCaudal epidural steroid injection, 80 mg triamcinolone.",
        "recent_spinal_procedure",
        True,
    ),
    (
        "Name: A. Smith. Procedure: caudal epidural.\nPost procedure: transient numbness and "
        "weakness of both legs, resolved at 2 h.",
        "leg_weakness",
        None,
    ),
    # the informant's own history is not the patient's
    (
        "SH: married. Wife: she is on long-term prednisolone for her RA.",
        "prolonged_corticosteroid_use",
        None,
    ),
    # new vocabulary, not too wide
    ("He has thrown out his back again bending to tie his shoelaces.", "severe_trauma", None),
    ("Sleep has been thrown off by the pain.", "severe_trauma", None),
    ("Pain from the back down to the knee, nothing into the foot.", "radicular_pain", None),
    (
        "Pain from the back into both buttocks and thighs, sparing the calves and feet.",
        "radicular_pain",
        None,
    ),
    (
        "Fracture of the body of the calcaneum.",
        "suspected_vertebral_compression_fracture",
        None,
    ),
    ("Pain came on moving in bed. Known osteoporosis.", "severe_trauma", None),
    (
        "Numbness of the left foot, same as last time I saw him.",
        "progressive_neurologic_deficit",
        False,
    ),
    # a denial of metastases says nothing of the cancer; nothing that suggests it denies it
    ("Chronic mechanical LBP, stable - nothing to suggest malignancy.", "history_of_cancer", None),
    ("No metastatic disease on the staging CT.", "history_of_cancer", None),
    ("Nothing to suggest spinal metastasis.", "suspected_malignancy", False),
    ("Breast cancer with metastases to liver.", "history_of_cancer", True),
    # a suspicion judged in its own words (the labellers of sets 5-24: 11 of 11 false)
    ("No features of cauda equina.", "suspected_cauda_equina_syndrome", False),
    ("Impression: sciatica, no signs of cauda equina.", "suspected_cauda_equina_syndrome", False),
    ("Symptoms of cauda equina: new retention.", "suspected_cauda_equina_syndrome", True),
    ("A fracture is not suspected.", "suspected_vertebral_compression_fracture", False),
    (
        "Fracture not suspected clinically but cannot be excluded.",
        "suspected_vertebral_compression_fracture",
        True,
    ),
]

#: Round 25: from the errors of written set 25 (blind first look on 6cecf5b), each written anew
#: here, with near misses that must not change.
ROUND_25 = [
    # earlier episodes that ended do not hold a short duration open
    (
        "Low back pain x 10 days. Prior episodes in 2019 settled with physio.",
        "symptoms_persisting_6_weeks",
        F,
    ),
    ("Chronic low back pain, flare 5 days.", "symptoms_persisting_6_weeks", U),
    # a voiding told normal after its time or place
    ("Passed urine this morning, normal.", "bladder_dysfunction", F),
    ("Passed urine at 10:30 - normal.", "bladder_dysfunction", F),
    ("PU since - normal.", "bladder_dysfunction", F),
    ("Passing urine frequently, normal bowels.", "bladder_dysfunction", U),
    ("Passing urine, bowels normal.", "bladder_dysfunction", U),
    ("Passed urine with difficulty, normal colour.", "bladder_dysfunction", U),
    (
        'Denies trouble urinating - "peeing fine" - and no bowel accidents.',
        "bladder_dysfunction",
        F,
    ),
    # plain words for retention, saddle loss, a worsening and a fall from height
    ("Pad dry since last night and he says he needs to wee but can't.", "bladder_dysfunction", T),
    ("Tries to pee but nothing comes.", "bladder_dysfunction", T),
    ("No retention, but urgency x 1 week.", "bladder_dysfunction", U),
    ("Bladder: some urgency since her 40s, no difficulty passing urine.", "bladder_dysfunction", F),
    ("He can't feel the towel on his bottom when I wash him.", "saddle_anesthesia", T),
    ("No sensation below the groin on either side.", "paresthesia", T),
    ("No sensation in the legs to pinprick.", "paresthesia", T),
    ("No sensory loss in the legs.", "paresthesia", F),
    ("Back pain worse than yesterday.", "gradually_worsening_pain", T),
    ("He fell from the second lift, about 3 metres, onto hardcore.", "severe_trauma", T),
    ("She fell from the kerb, 2 days ago.", "severe_trauma", U),
    # another person's history and an informant's account
    ("Mother - Ca breast, died 2010.", "history_of_cancer", U),
    ("History (son): he fell from the balcony, about 3 m, onto stones.", "severe_trauma", T),
    ("Breast cancer (wife).", "history_of_cancer", U),
    # an intervention planned, or not referred for
    (
        "He is on the pain clinic list for a spinal cord stimulator trial.",
        "surgery_or_intervention_candidate",
        T,
    ),
    # "not referred" is no decision against one: the sentence may go on to book it
    ("Not referred for injections or surgery.", "surgery_or_intervention_candidate", U),
    (
        "Not referred to pain clinic for injections as she is listed for an L4/5 discectomy.",
        "surgery_or_intervention_candidate",
        T,
    ),
    ("Passed urine: retention, otherwise normal.", "bladder_dysfunction", T),
    ("Passed urine today, bloods normal.", "bladder_dysfunction", U),
    ("Legs weaker today than yesterday.", "leg_weakness", T),
    ("Mother - Ca breast, pt had Ca bowel 2018 too.", "history_of_cancer", T),
    ("Doesn't need to wee but can't sleep.", "bladder_dysfunction", U),
    ("Knee pain worse than yesterday.", "gradually_worsening_pain", U),
    ("Fell from the bed, about 0.5 metres.", "severe_trauma", U),
    ("Referred for surgery.", "surgery_or_intervention_candidate", T),
    # care that did not help over a long course
    ("Naproxen for the last 3 months with partial relief only.", "symptoms_persisting_6_weeks", T),
    ("Back pain x 8 weeks. Took mefenamic acid - no relief.", "symptoms_persisting_6_weeks", T),
    # a loss told as meant, an exam that found no injury, a long steroid course that ended
    ("Has lost 4 kg since April on purpose.", "unexplained_weight_loss", U),
    ("Found on the floor. GP: no injury found, spine not tender.", "severe_trauma", U),
    ("No injury. No fall.", "severe_trauma", F),
    (
        "Previously on prednisolone for PMR for 4 years, stopped in 2022; not on steroids now.",
        "prolonged_corticosteroid_use",
        U,
    ),
    (
        "Prednisolone 5 day course last month. No steroids otherwise.",
        "prolonged_corticosteroid_use",
        F,
    ),
    ("No immunosuppression since 2021 (steroids stopped).", "immunocompromised", F),
]

ROUND_26 = [
    # a duration after a comma, and a fortnight
    ("New low back pain, started 4 days ago, worse each day.", "symptoms_persisting_6_weeks", F),
    ("Back pain since the fall, 3 days, severe.", "symptoms_persisting_6_weeks", F),
    ("Sore low back for the past fortnight.", "symptoms_persisting_6_weeks", F),
    ("Low back pain, started naproxen 3 days ago.", "symptoms_persisting_6_weeks", U),
    ("Back pain, for 3 days worse.", "symptoms_persisting_6_weeks", U),
    ("Back pain, for 3 days getting worse.", "symptoms_persisting_6_weeks", U),
    (
        "Back pain, since yesterday much worse, usually manageable.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    ("Back pain, for 3 days unable to walk.", "symptoms_persisting_6_weeks", U),
    ("Back pain since the car accident in 2015, for 3 days.", "symptoms_persisting_6_weeks", U),
    ("Back pain, 3 days a week.", "symptoms_persisting_6_weeks", U),
    ("Chronic low back pain, started 4 days ago worse.", "symptoms_persisting_6_weeks", U),
    # a German letter's history is not the procedure's account
    (
        "Procedure: 03.08.: Microsurgical sequestrectomy L4/5.\nAnamnesis: pain radiating into"
        " both legs down to the feet since the morning.\nCourse: Leg pain resolved.",
        "radicular_pain",
        T,
    ),
    ("Procedure: 03.08.: Microsurgical sequestrectomy L4/5.", "recent_spinal_procedure", T),
    ("Department of Spine Surgery, Munich.", "prior_lumbar_surgery", U),
    ("Admitted to ward for back surgery 10 days ago.", "recent_spinal_procedure", T),
    ("Never had an operation on my back.", "prior_lumbar_surgery", F),
    ("Operation on her back scheduled for May.", "surgery_or_intervention_candidate", T),
    # a denial of another thing prescribed with the steroid
    (
        "No bone protection had been co-prescribed with the steroid.",
        "prolonged_corticosteroid_use",
        U,
    ),
    ("Prednisolone since 02/2025 (started for gout).", "prolonged_corticosteroid_use", U),
    # safety-net lists and a form's answers
    (
        "Things Dr Malik said to ring about: numbness between my legs, problems peeing.",
        "saddle_anesthesia",
        U,
    ),
    ("GP asked us to call him about the new saddle numbness.", "saddle_anesthesia", T),
    ("Phone call about urinary retention today.", "bladder_dysfunction", T),
    ("Guest should report at once any fever or new weakness.", "fever", U),
    ("Pain down the legs - no, it stays in the back.", "radicular_pain", F),
    ("Feeling feverish - no, temperature 36.8.", "fever", F),
    ("Fever - no (38.2 on arrival per paramedics).", "fever", T),
    ("Fever or acute infection               no\nPregnancy            no", "fever", F),
    ("Loss of bladder or bowel control?                          No", "bowel_dysfunction", F),
    # tests named for what they look for
    ("Myeloma screen negative.", "suspected_malignancy", F),
    ("Myeloma screen sent.", "suspected_malignancy", T),
    ("Myeloma screen (SPEP, light chains) negative.", "history_of_cancer", U),
    (
        "Reduced perianal sensation on the left with anal tone (on PR) normal.",
        "saddle_anesthesia",
        T,
    ),
    ("IVDU with blood cultures (x2) negative.", "injection_drug_use", T),
    ("?Fracture lumbar spine (L1-L2).", "suspected_vertebral_compression_fracture", T),
    ("Query cauda equina.", "suspected_cauda_equina_syndrome", T),
    (
        "Patient worried this could be cauda equina; no saddle numbness, bladder normal.",
        "suspected_cauda_equina_syndrome",
        U,
    ),
    ("No cauda equina compression on MRI.", "suspected_cauda_equina_syndrome", F),
    # vocabulary
    ("Hypaesthesia perianal and in both S1 dermatomes.", "saddle_anesthesia", T),
    ("Hypaesthesia of the left foot.", "paresthesia", T),
    ("Numbness in the left foot, hasn't spread.", "progressive_neurologic_deficit", F),
    ("No known tumour disease.", "history_of_cancer", F),
    ("Tumour history: benign meningioma 2015.", "history_of_cancer", U),
    ("No problems with my waterworks.", "bladder_dysfunction", F),
    ("Problems with her waterworks since Monday.", "bladder_dysfunction", T),
    ("No trouble with bladder or bowel.", "bowel_dysfunction", F),
    ("No problems with his bowels.", "bowel_dysfunction", F),
    ("No problem in passing urine or stool.", "bowel_dysfunction", F),
    ("Bladder and bowels without problems.", "bladder_dysfunction", F),
    ("He self-catheterises for urinary retention without problems.", "bladder_dysfunction", T),
    ("Pee and poo normal.", "bladder_dysfunction", F),
    ("Urine and motion normal, no burning.", "bowel_dysfunction", F),
    ("Lumbar spine: range of motion normal, no tenderness.", "bowel_dysfunction", U),
    ("Weight same.", "unexplained_weight_loss", F),
    ("No numbness around the private parts.", "saddle_anesthesia", F),
    ("No history of fall.", "severe_trauma", F),
    ("No falls on the ward.", "severe_trauma", U),
    ("Pain does not go to the legs.", "radicular_pain", F),
    ("Pain from low back going down the right leg.", "gradually_worsening_pain", U),
    ("Pain from low back going down the right leg.", "radicular_pain", T),
    ("Pain is trending down.", "gradually_worsening_pain", F),
    ("MRI to establish whether the breast cancer has spread to the spine.", "history_of_cancer", T),
    (
        "Back pain for 8 weeks; ibuprofen and physiotherapy for 6 weeks without adequate"
        " improvement.",
        "symptoms_persisting_6_weeks",
        T,
    ),
]

ROUND_27 = [
    # a sided finding after a comma is told, not denied in the list before it
    ("No fever, left foot drop.", "leg_weakness", T),
    ("No fever, R leg weakness since Monday.", "leg_weakness", T),
    ("Denies fever, R leg weakness since Monday.", "leg_weakness", F),
    ("Denies fever, night sweats, R leg weakness.", "leg_weakness", F),
    ("No saddle anaesthesia, urinary retention, bilateral leg weakness.", "leg_weakness", F),
    ("Denies saddle numbness, bilateral leg tingling.", "paresthesia", F),
    ("No fever, weight loss, left leg numbness\nNo bladder symptoms", "paresthesia", F),
    ("No fever, possible left foot drop.", "leg_weakness", U),
    ("No fever, left foot drop or saddle numbness.", "leg_weakness", F),
    ("No fever, left foot drop or saddle numbness.", "saddle_anesthesia", F),
    ("No fever, left foot drop\nPlan: MRI lumbar spine.", "leg_weakness", T),
    ("No left foot drop, fever or weight loss.", "leg_weakness", F),
    ("Left foot drop, no fever.", "fever", F),
    ("No weakness of the right leg, left leg or feet.", "leg_weakness", F),
    ("Probable lung cancer, R upper lobe, with spinal metastases.", "history_of_cancer", U),
    ("Probable lung cancer, R upper lobe, with spinal metastases.", "suspected_malignancy", T),
    # a pain that does not stop at the knee
    ("Pain does not go to the knee but shoots to the foot.", "radicular_pain", T),
    ("Pain does not go to the knee.", "radicular_pain", F),
    # a form's dotted leader: the row is the label
    ("Cancer, tumour or growth ............ N", "history_of_cancer", F),
    ("Spinal surgery ............ N\nOsteoporosis ............ Y", "prior_lumbar_surgery", F),
    ("Spinal surgery ............ N\nOsteoporosis ............ Y", "osteoporosis", T),
    ("Steroid tablets for more than 3 months ............ N", "prolonged_corticosteroid_use", F),
    ("HIV or other immune deficiency ............ N", "immunocompromised", U),
    ("Saddle numbness    Cancer, tumour or growth ........ N", "saddle_anesthesia", T),
    ("Fever ...... see notes", "fever", T),
    # (round 28: a "no" to a normal is the abnormal, not nothing)
    ("Normal sensation in saddle area ........ N", "saddle_anesthesia", T),
    ("Normal sensation in saddle area: N", "saddle_anesthesia", T),
    ("Saddle sensation normal: N", "saddle_anesthesia", T),
    ("Gait normal, saddle numbness: no", "saddle_anesthesia", F),
    ("Normal gait. Saddle numbness? No", "saddle_anesthesia", F),
    # a numbered question answered whole; alternatives joined by a slash
    ("BK4 Any numbness, pins and needles or weakness in the legs? No.", "paresthesia", F),
    ("Q4. Any numbness, tingling or weakness in the legs? No.", "paresthesia", F),
    ("Numbness, tingling in the legs, weakness? No.", "paresthesia", T),
    ("Red flag screen: Fever or wound concerns: none.", "fever", F),
    ("Fever 38.6 or rigors: no.", "fever", T),
    ("Known metastatic breast ca / new trauma: none", "history_of_cancer", T),
    ("L foot drop / other deficit: none", "leg_weakness", T),
    ("Fever (38.5) / rigors: none", "fever", T),
    ("BK3 Did the pain go down your leg below the knee? No.", "radicular_pain", F),
    # a question takes as given what follows "since" or "after"
    (
        "Q2 Any change in your bladder since your back surgery in 2019? No",
        "prior_lumbar_surgery",
        T,
    ),
    ("Q4. Any fever since the epidural injection last week? No", "recent_spinal_procedure", T),
    ("Q4. Any fever since the epidural injection last week? No", "fever", F),
    ("Any pain after eating or weakness? No", "leg_weakness", F),
    ("Any weakness since the fall or numbness? No", "paresthesia", F),
    ("Any leg weakness after walking? No", "leg_weakness", F),
    ("The pain goes down your leg, she says.", "radicular_pain", T),
    # denials in other words
    ("Osteoporosis has not been diagnosed in this patient.", "osteoporosis", F),
    ("Osteoporosis, though it has not been treated.", "osteoporosis", T),
    ("Not otherwise immunosuppressed.", "immunocompromised", F),
    ("Lumbago not otherwise specified, sciatica left leg.", "radicular_pain", T),
    ("Back pain not otherwise specified with fever 38.6", "fever", T),
    ("Osteoporosis was not diagnosed until 2019.", "osteoporosis", T),
    ("Spinal metastasis has not been confirmed yet; MRI awaited.", "suspected_malignancy", T),
    ("Left foot drop was not found to have improved at 6 weeks.", "leg_weakness", T),
    ("Urinary retention has not been documented; bladder scan not done.", "bladder_dysfunction", U),
    (
        "On tacrolimus after a kidney transplant. Not otherwise immunosuppressed.",
        "immunocompromised",
        T,
    ),
    ("Falls: none.", "severe_trauma", F),
    ("Falls: two this year, one down the stairs.", "severe_trauma", U),
    ("Bladder, bowel no problem.", "bladder_dysfunction", F),
    ("Bladder, bowel no problem.", "bowel_dysfunction", F),
    ("Bladder/bowel: no new issues.", "bladder_dysfunction", U),
    ("MMT lower limbs 5/5.", "leg_weakness", F),
    ("Power 4/5 in both lower limbs.", "leg_weakness", T),
    ("EHL power 4+/5 on the left.", "leg_weakness", T),
    ("EHL MMT 4 on the left.", "leg_weakness", T),
    ("EHL MMT 5 bilaterally.", "leg_weakness", F),
    ("Left knee grade 4 osteoarthritis on x-ray.", "leg_weakness", U),
    ("Leg strength 5 days post-op was poor; now 3/5.", "leg_weakness", U),
    # the arms' grade is not the legs'; the legs' own 5/5 (round 34: a place among its words)
    ("Upper limbs 4/5, lower limbs 5/5.", "leg_weakness", F),
    ("Left upper limb power 4/5.", "leg_weakness", U),
    ("Arm and leg power 5/5.", "leg_weakness", F),
    # a benefit that did not last is care that failed, not an option offered
    ("L5/S1 discectomy 2018, no lasting benefit.", "prior_lumbar_surgery", T),
    ("L5/S1 discectomy 2018, no lasting benefit.", "surgery_or_intervention_candidate", U),
    ("Might benefit from an L5/S1 discectomy.", "surgery_or_intervention_candidate", T),
    (
        "Explained why no injection: not needed, steroid with side effects.",
        "prolonged_corticosteroid_use",
        U,
    ),
    ("No steroids.", "prolonged_corticosteroid_use", F),
    # injecting told with the drug, where, or who
    ("Using heroin, injecting arms and hands.", "injection_drug_use", T),
    ("Using: heroin daily, injecting, says groin on the right.", "injection_drug_use", T),
    ("Spinal infection in someone who injects, with fever.", "injection_drug_use", T),
    ("A woman who injects insulin daily.", "injection_drug_use", U),
    ("Uses cocaine, denies injecting.", "injection_drug_use", F),
    ("Given opioids intravenously in ED with good effect.", "injection_drug_use", U),
    ("Meds: fentanyl patch, injecting insulin BD.", "injection_drug_use", U),
    ("Diabetic, injects into her legs.", "injection_drug_use", U),
    ("Patient who injects adalimumab fortnightly.", "injection_drug_use", U),
    ("He ran to the shop and hurt his foot.", "radicular_pain", U),
    ("Used heroin but never injecting.", "injection_drug_use", F),
    ("Heroin, stopped injecting 2019.", "injection_drug_use", U),
    ("Impression: query spinal abscess.", "suspected_spinal_epidural_abscess", T),
    # a deficit in other words
    ("Since yesterday his legs have gone weaker.", "progressive_neurologic_deficit", T),
    ("Legs went weak.", "progressive_neurologic_deficit", U),
    ("Legs went weak.", "leg_weakness", T),
    ("Pinprick reduced perianal, both sides.", "saddle_anesthesia", T),
    ("Pinprick normal perianal.", "saddle_anesthesia", F),  # a normal (round 39), no deficit
    ("Day 12 post L4-5 TLIF.", "recent_spinal_procedure", T),
    ("L4-5 TLIF in 2019.", "recent_spinal_procedure", U),
    ("Paraspinal abscess on CT.", "suspected_spinal_epidural_abscess", U),
    # a time that belongs to another line, or is only a lower bound
    (
        "06/2021   Acute low back pain   NSAID, resolved in 3 weeks\n01/2025   Low back pain",
        "symptoms_persisting_6_weeks",
        U,
    ),
    ("3 weeks of low back pain.", "symptoms_persisting_6_weeks", F),
    ("Left sciatica for 2 weeks before the holiday.", "symptoms_persisting_6_weeks", U),
    ("Says back aching for a week.", "symptoms_persisting_6_weeks", F),
    ("His back has been killing him for about 2 weeks.", "symptoms_persisting_6_weeks", F),
    ("His back has been bad for about 3 weeks.", "symptoms_persisting_6_weeks", F),
    ("Back bad news for 3 weeks.", "symptoms_persisting_6_weeks", U),
    ("Back pain for 2 weeks.", "symptoms_persisting_6_weeks", F),
    ("Back pain for 3 weeks before this admission.", "symptoms_persisting_6_weeks", F),
    ("LBP for 2 weeks before the admission, ibuprofen helped.", "symptoms_persisting_6_weeks", F),
    ("She reports 3 weeks of low\nback pain after lifting.", "symptoms_persisting_6_weeks", F),
    (
        "Physio 8 weeks, was only slightly better at first, now fully recovered.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    (
        "Physiotherapy for 8 weeks with naproxen and pregabalin: leg pain only slightly better.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "Physiotherapy for 8 weeks with naproxen: slightly better each week.",
        "symptoms_persisting_6_weeks",
        U,
    ),
]

ROUND_28 = [
    # a question that asks whether a normal holds: "no" tells the abnormal, "yes" denies it
    ("Q5 Perianal sensation intact? No", "saddle_anesthesia", T),
    ("Perianal sensation intact? Yes", "saddle_anesthesia", F),
    ("Normal sensation in saddle area ........ N", "saddle_anesthesia", T),
    ("Normal sensation in saddle area: yes", "saddle_anesthesia", F),
    ("Saddle sensation normal: Y", "saddle_anesthesia", F),
    ("Bladder function normal: N", "bladder_dysfunction", T),
    ("Not able to pass urine? Yes", "bladder_dysfunction", T),
    ("Any loss of normal sensation in the saddle? No", "saddle_anesthesia", U),
    ("Weight gain? No", "unexplained_weight_loss", U),
    # a list asked as one is answered as one; a list that tells its own things is not
    ("- fevers, sweats: no", "fever", F),
    ("- Saddle numbness, retention, incontinence: none", "saddle_anesthesia", F),
    ("Saddle numbness, retention, incontinence: none", "saddle_anesthesia", T),
    ('Q7 Fevers, weight loss, cancer in the past? "No, no and no."', "history_of_cancer", F),
    ("Left foot drop, fever: no", "leg_weakness", T),
    ("- Numb bum, fever: no", "saddle_anesthesia", T),
    ("- Fevers, weight loss, cancer?", "fever", U),
    ("Leg weakness, fever? A: no", "leg_weakness", T),
    ('Q7 Fevers, weight loss, cancer? "No fevers. Weight steady."', "fever", F),
    ("Fever? No fevers.", "fever", F),
    # (a free answer that is not a plain denial leaves the question open)
    ('Q5 Bladder or bowels? "Peeing OK."', "bladder_dysfunction", U),
    # a form's own legend of codes
    (
        "Red flags (D = documented present, A = documented absent, ND = not documented):\n"
        "Saddle anaesthesia            ND       -\n"
        "Leg weakness                  A        GP extract\n"
        "Fever / systemically unwell   ND       -\n"
        "History of cancer             D        GP extract",
        "saddle_anesthesia",
        U,
    ),
    (
        "Red flags (D = documented present, A = documented absent, ND = not documented):\n"
        "Leg weakness: A\nFever / systemically unwell: ND",
        "leg_weakness",
        F,
    ),
    (
        "Red flags (D = documented present, A = documented absent, ND = not documented):\n"
        "Leg weakness: A\nFever / systemically unwell: ND",
        "fever",
        U,
    ),
    (
        "Red flags (D = documented present, A = documented absent, ND = not documented):\n"
        "History of cancer: D (breast cancer 2011)",
        "history_of_cancer",
        T,
    ),
    ("Saddle anaesthesia            ND       -", "saddle_anesthesia", T),
    # a work-up to be done, with a word between
    ("An epidural abscess must also be excluded.", "suspected_spinal_epidural_abscess", T),
    ("Epidural abscess has been excluded.", "suspected_spinal_epidural_abscess", F),
    # vocabulary
    ("She had to strain to start passing urine.", "bladder_dysfunction", T),
    ("Water and stool normal.", "bowel_dysfunction", F),
    ("Urination and bowel movements normal.", "bladder_dysfunction", F),
    ("Her bladder was fine, she said.", "bladder_dysfunction", F),
    ("The urine comes normally.", "bladder_dysfunction", F),
    ("Her bowels have been opening normally.", "bowel_dysfunction", F),
    ("PR: normal anal tone.", "bowel_dysfunction", F),
    ("Active and passive motions are intact.", "bowel_dysfunction", U),
    ("Since 2 days legs weaker.", "progressive_neurologic_deficit", T),
    ("Left leg weaker than right.", "progressive_neurologic_deficit", U),
    ("The sciatica has gone, no leg pain.", "radicular_pain", F),
    ("The numbness has gone to both feet.", "paresthesia", T),
    (
        "Low back pain since mid-January (about 7 weeks), naproxen helps nothing.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    ("But for the last 10 days his back pain has got worse.", "symptoms_persisting_6_weeks", U),
    ("3 weeks of his back pain.", "symptoms_persisting_6_weeks", F),
    # other people, other meanings
    ("That patients often do not volunteer bladder symptoms.", "bladder_dysfunction", U),
    ("A trivial mechanism does not mean a trivial injury.", "severe_trauma", U),
    ("Back pain doesn't mean cancer.", "history_of_cancer", U),
    ("No hx of malignancy (mother - breast ca at 52).", "history_of_cancer", F),
    ("On the spine surgery wait list.", "prior_lumbar_surgery", U),
    ("Dr S, spine surgery on call, accepts.", "prior_lumbar_surgery", U),
    ("Previous spine surgery in 2015.", "prior_lumbar_surgery", T),
    ("Present: Imran Shah. Imran said he does not want an operation.", "immunocompromised", U),
    ("On Imuran since 2019.", "immunocompromised", T),
    # the round 28 review: a normal that does not govern the question, a list that tells its
    # own things, a scale for a legend, an answer that doubts, a loss told as "gone"
    ("Sensation in saddle area less than normal? Yes", "saddle_anesthesia", U),
    ("Any difficulty passing urine compared with normal? Yes", "bladder_dysfunction", U),
    ("Numbness in legs but able to walk? Yes", "paresthesia", T),
    ("Normal gait but saddle numbness? Yes", "saddle_anesthesia", T),
    ("Normally fit and well - any fevers? Yes, 38.5 last night", "fever", T),
    ("Sensation intact - leg weakness? Yes", "leg_weakness", T),
    ("Perianal sensation intact? Y, but reduced pinprick on the left", "saddle_anesthesia", U),
    ("New urinary incontinence (normally continent)? Yes", "bladder_dysfunction", T),
    ("Retention overnight, saddle numbness: no", "bladder_dysfunction", T),
    ("Urinary retention in ED, saddle numbness: no", "bladder_dysfunction", T),
    ("Known breast cancer, fever: no", "history_of_cancer", T),
    ("- Known breast cancer, fever: no", "history_of_cancer", T),
    ("Previous discectomy, fever: no", "prior_lumbar_surgery", T),
    ("Pain radiating to calf, numbness: nil", "radicular_pain", T),
    ("Injects heroin, fever: no", "injection_drug_use", T),
    ("Sensation key: I = intact, R = reduced, A = absent\nSaddle area: A", "saddle_anesthesia", T),
    (
        "Red flags (D = documented present, A = documented absent, ND = not documented):\n"
        "Leg weakness (L foot drop, 3/5 EHL)      A",
        "leg_weakness",
        T,
    ),
    ("Fever? Felt hot and shivery at home, not measured. Afebrile in ED.", "fever", U),
    ("Weight loss? Yes per daughter. Pt denies weight loss.", "unexplained_weight_loss", U),
    ("Fever, weight loss, cancer? No to first two, yes to cancer", "history_of_cancer", U),
    ("Leg weakness? Difficult to assess due to pain. No foot drop.", "leg_weakness", U),
    ("The feeling around his back passage has gone.", "saddle_anesthesia", T),
    ("Numb bum and the pain has gone.", "saddle_anesthesia", T),
    ("Bowels had been opening normally until 2 days ago.", "bowel_dysfunction", U),
    ("Urine came normally at first but then she could not empty.", "bladder_dysfunction", U),
    ("Left leg weaker since his stroke in 2015.", "progressive_neurologic_deficit", U),
    ("People who know him say he has lost a lot of weight.", "unexplained_weight_loss", T),
    ("Azathioprin 100 mg od. Started on Azathioprin by GI in 2020.", "immunocompromised", T),
    # the second review: a normal named but not asked alone decides nothing, a normal taken
    # back later in its sentence says nothing, answers item by item, a reading after a denial
    ("Feeling in the saddle area and inner thighs normal? N", "saddle_anesthesia", U),
    ("Light touch and pinprick in saddle area normal? No", "saddle_anesthesia", U),
    ("Bowel and bladder control normal? No", "bowel_dysfunction", U),
    ("Stools normal in consistency, but he has had two accidents.", "bowel_dysfunction", U),
    ("Urine comes normally but she cannot feel it passing.", "bladder_dysfunction", U),
    ("Water and stool normal, but she leaks urine at night.", "bladder_dysfunction", T),
    ("Bowels have been opening normally until yesterday.", "bowel_dysfunction", U),
    ("Fever? No fevers; now 39.1 and rigoring.", "fever", U),
    # (round 29: answers item by item answer their items in turn)
    ("Q7 Fevers, weight loss, cancer in the past? No, no and yes", "history_of_cancer", T),
    ('Q7 Fevers, weight loss, cancer in the past? "No, no and no."', "fever", F),
    ("Q4 Fever, weight loss? N, Y", "unexplained_weight_loss", T),
    # "normal feeling around your bottom" is a normal of the saddle
    ("Q5 Do you have normal feeling around your bottom? No", "saddle_anesthesia", T),
    ("Do you have normal feeling around your bottom? Yes", "saddle_anesthesia", F),
    ("Normal feeling around her bottom.", "saddle_anesthesia", F),
    ("No normal feeling around her back passage.", "saddle_anesthesia", U),
    ("Has the normal feeling around your bottom gone? Yes", "saddle_anesthesia", U),
]

ROUND_29 = [
    # answers given item by item answer the list's items in turn; when the counts differ, or
    # an answer is no answer word, every item stays asked
    ("- fevers, weight loss, prev cancer: N N Y", "history_of_cancer", T),
    ("- fevers, weight loss, prev cancer: N N Y", "fever", F),
    ("Fever/weight loss/cancer: N/N/Y", "history_of_cancer", T),
    ("Fever/weight loss/cancer: N/N/Y", "unexplained_weight_loss", F),
    ("Fevers, weight loss, cancer: N, N, Y", "fever", F),
    ("Fever, saddle numbness: Y N", "saddle_anesthesia", F),
    ("Fever, saddle numbness: Y N", "fever", T),
    ("Fevers, weight loss, cancer: no, no, breast 2015", "fever", U),
    ("Saddle anaesthesia? Y/N", "saddle_anesthesia", U),
    # dictated notes: a label's colon, a comma and spaces before its answer or its denial
    ("SOCIAL HISTORY: , No tobacco, alcohol or IV drug use.", "injection_drug_use", F),
    ("PAST SURGICAL HISTORY:,  None.,ALLERGIES:, NKDA.", "prior_lumbar_surgery", F),
    ("PSH: none", "prior_lumbar_surgery", F),
    ("PSH: appendectomy 2010", "prior_lumbar_surgery", U),
    ("Constitutional:  Negative for fever, chills or weight loss.", "fever", F),
    ("General:  Negative for fever.", "fever", F),
    ("Neurologic:  Negative for numbness or weakness.", "paresthesia", F),
    ("Neuro:  negative.", "leg_weakness", U),
    # a procedure's indication is the presentation, in capitals too
    (
        "COMPLICATIONS:,  None apparent.,INDICATIONS FOR PROCEDURE:,  The patient is a 39-year-"
        "old male with numbness of the dorsum of the left foot.",
        "paresthesia",
        T,
    ),
    # the presentation after a history
    (
        "A 63-year-old with a history of renal cell carcinoma, status post nephrectomy in 2019, "
        "who presented with 7 weeks of steadily worsening low back pain.",
        "gradually_worsening_pain",
        T,
    ),
    (
        "History of cauda equina syndrome in 2015 when he presented with saddle numbness.",
        "saddle_anesthesia",
        U,
    ),
    # plans
    (
        "He was taken to the operating room for L4-L5 laminectomy yesterday.",
        "recent_spinal_procedure",
        T,
    ),
    (
        "Back history (asked for rehab planning): L4-S1 fusion 2015.",
        "surgery_or_intervention_candidate",
        U,
    ),
    # courses and durations
    ("She did not improve with 2 weeks of ibuprofen.", "symptoms_persisting_6_weeks", U),
    (
        "Plan return to OR tomorrow for I&D, possible hardware retention.",
        "surgery_or_intervention_candidate",
        T,
    ),
    # the review's near misses: a blank template, a count that differs, a statement in the
    # list, a normal asked, a bracket after the label
    ("Fever, weight loss: Y/N", "unexplained_weight_loss", U),
    ("Saddle anaesthesia / retention:  Yes  No", "bladder_dysfunction", U),
    ("Leg numbness, weight loss: Y N", "paresthesia", T),
    ("Reports left leg numbness and weakness, fever, weight loss: N N", "leg_weakness", T),
    ("Known lung cancer on chemotherapy, fever, weight loss: N N", "history_of_cancer", T),
    ("Any leg weakness or numbness? No, no", "leg_weakness", F),
    ("Fever? No, no.", "fever", F),
    ("Fever, weight loss, cancer (Y/N): N N Y", "history_of_cancer", T),
    ("Perianal sensation intact, anal tone normal: Y Y", "saddle_anesthesia", F),
    ("Safety net advice given re saddle numbness, bladder: Y Y", "saddle_anesthesia", U),
    # "presented" ends a history, not another person's
    (
        "Family history of cancer, with father who presented with weight loss.",
        "unexplained_weight_loss",
        U,
    ),
    ("History of sciatica, with numbness in the left foot at that time.", "paresthesia", U),
    # symptoms given as the reason for a recommendation stay told
    (
        "Neurosurgery is recommending urgent MRI for new leg weakness and urinary retention.",
        "leg_weakness",
        T,
    ),
    (
        "The decision was made to take her to the operating room for an L4-5 decompression, "
        "which was performed yesterday.",
        "recent_spinal_procedure",
        T,
    ),
    ("COVID swab:  negative for SARS-CoV-2, fevers for 3 days.", "fever", T),
    (
        "Prednisolone 30 mg for 5 days; the first course since her COPD exacerbation in 2019.",
        "prolonged_corticosteroid_use",
        U,
    ),
    (
        "Back pain for 3 days; her mood did not improve after 8 weeks on sertraline.",
        "symptoms_persisting_6_weeks",
        F,
    ),
    # the second review: a phrase across items is answered as the list is
    ("Bladder/bowel dysfunction: N/N", "bladder_dysfunction", F),
    ("Bowel and bladder dysfunction: N N", "bowel_dysfunction", F),
    ("Bladder/bowel dysfunction: N/Y", "bladder_dysfunction", U),
    ("Sensation intact, power intact: Y N", "leg_weakness", U),
    ("Sensation intact, power intact, reflexes normal: Y N Y", "leg_weakness", U),
    (
        "Advising against epidural steroid injection given infection risk.",
        "surgery_or_intervention_candidate",
        U,
    ),
    (
        "Will take the patient back to the operating room for revision of L4-5 fusion.",
        "prior_lumbar_surgery",
        T,
    ),
    ("Sensory loss and then progressed to the groin.", "progressive_neurologic_deficit", T),
    # an item told with its own onset is asserted over a list's denial (wrong in both reviews)
    ("COVID swab: negative for SARS-CoV-2, fevers for 3 days.", "fever", T),
    (
        "GI: negative for nausea, vomiting, bowel incontinence started two days ago.",
        "bowel_dysfunction",
        T,
    ),
    ("No fever for 3 days.", "fever", F),
    ("Denies fever, chills, weight loss for 2 months.", "unexplained_weight_loss", F),
    # a procedure told as done before is a history, whatever is planned of it
    ("PSH: none. Previous laminectomy L3-4 mentioned in the referral.", "prior_lumbar_surgery", T),
    ("PSH: none; PMH: prior L4-5 laminectomy listed under PMH", "prior_lumbar_surgery", T),
    ("Revision of his previous L5-S1 fusion is planned.", "prior_lumbar_surgery", T),
    ("Revision of his previous L5-S1 fusion is planned.", "surgery_or_intervention_candidate", T),
    ("He is listed for L4-5 decompression.", "prior_lumbar_surgery", U),
    # falls denied as an item of a list
    ("He denies weakness of the legs or falls.", "severe_trauma", F),
    ("Denies dizziness, falls, or syncope.", "severe_trauma", F),
    ("History of dizziness and falls.", "severe_trauma", U),
    ("No weakness; falls frequently.", "severe_trauma", U),
    # yes and no to fewer items leave them asked: no "N" denies them all
    ("Fever or weight loss: N Y", "unexplained_weight_loss", U),
    ("Known lung cancer, fever, weight loss: N Y", "history_of_cancer", T),
    # "unaware of any" denies
    ("She is unaware of any weight loss.", "unexplained_weight_loss", F),
    ("He is not aware of any trauma.", "severe_trauma", F),
]

ROUND_30 = [
    # a list item told with its own verb of taking: the denial before it does not reach it
    (
        "Endocrine: negative for diabetes, on chronic prednisone for polymyalgia.",
        "prolonged_corticosteroid_use",
        T,
    ),
    ("No fever, on chemotherapy for breast cancer.", "history_of_cancer", T),
    ("No fever, on chemotherapy for breast cancer.", "fever", F),
    ("Denies numbness, on the left side only.", "paresthesia", F),
    ("No weakness, on examination 5/5 throughout.", "leg_weakness", F),
    # a lumbar surgical scar is a lumbar operation, whatever the past surgical history says
    (
        "PSH: Nil. Back: healed midline lumbar scar from a 2010 decompression.",
        "prior_lumbar_surgery",
        T,
    ),
    ("Inspection: healed surgical scar over the lumbar spine.", "prior_lumbar_surgery", T),
    ("No lumbar scar.", "prior_lumbar_surgery", U),
    # "anesthesia and progressive weakness" is no progressive numbness, and hides no saddle
    ("She reports saddle numbness and worsening leg weakness.", "saddle_anesthesia", T),
    ("Denies saddle anesthesia and progressive weakness.", "saddle_anesthesia", F),
    ("The numbness has progressed up to the knees.", "progressive_neurologic_deficit", T),
    # care that failed, in a list that begins with rest
    (
        "Low back pain for 8 weeks, not relieved by rest, ibuprofen, or physical therapy.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "Low back pain for 3 months unresponsive to NSAIDs and therapy.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "Back pain for 10 weeks. Not relieved by rest. Improves with exercise.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    # plans
    ("We plan an L4-5 decompression.", "surgery_or_intervention_candidate", T),
    ("We plan an L4-5 decompression.", "prior_lumbar_surgery", U),
    ("We will take the patient to the OR for L4-L5 laminectomy.", "prior_lumbar_surgery", U),
    (
        "The patient was taken to the operating room and an L4-5 laminectomy was performed.",
        "prior_lumbar_surgery",
        T,
    ),
    (
        "She is worried the injection is weakening her bones.",
        "surgery_or_intervention_candidate",
        U,
    ),
    # an ROS's "positive for weight loss"; a drug for weight loss is none
    ("ROS: negative for fever, chills, positive for weight loss.", "unexplained_weight_loss", T),
    (
        "ROS: Negative for weight loss, chest pain, or shortness of breath.",
        "unexplained_weight_loss",
        F,
    ),
    ("She takes semaglutide for weight loss.", "unexplained_weight_loss", U),
    # a temperature after "febrile to", a retention's volume, an examination's finding, a
    # number lost: each asserts itself after a list's denial
    ("Denies chills, febrile to 101.5 overnight.", "fever", T),
    ("Denies fever of more than 38.", "fever", F),
    (
        "No saddle anesthesia, urinary retention with 900 mL on bladder scan.",
        "bladder_dysfunction",
        T,
    ),
    ("No retention with 50 mL on bladder scan.", "bladder_dysfunction", F),
    ("Denies leg weakness, left foot drop noted on exam.", "leg_weakness", T),
    ("No focal weakness noted on examination.", "leg_weakness", F),
    ("Denies weight loss, appetite poor and lost 15 pounds.", "unexplained_weight_loss", T),
    ("Denies having lost 15 pounds.", "unexplained_weight_loss", F),
    # "presents with" ends a history's reach
    (
        "He has a history of low back pain who presents with leg pain radiating to the foot.",
        "radicular_pain",
        T,
    ),
    # a long steroid course under a past history's header goes on
    (
        "PAST MEDICAL HISTORY: Polymyalgia rheumatica, on prednisone since 2021.",
        "prolonged_corticosteroid_use",
        T,
    ),
    (
        "Steroid exposure so far is short (12 days), not yet long-term.",
        "prolonged_corticosteroid_use",
        U,
    ),
    # a pathologic compression fracture is a fracture
    (
        "MRI: L2 metastasis with a mild pathologic compression fracture.",
        "suspected_vertebral_compression_fracture",
        T,
    ),
    ("No pathologic compression fracture.", "suspected_malignancy", U),
    # normal sensation "including the saddle area"; instructions to notify or call
    (
        "Sensation intact to light touch and pinprick, including the saddle area.",
        "saddle_anesthesia",
        F,
    ),
    (
        "Neuro checks every 2 hours, with immediate notification of any new weakness, numbness, "
        "or urinary retention.",
        "bladder_dysfunction",
        U,
    ),
    (
        "I asked her to call immediately for any progressive weakness, numbness in the groin, or "
        "urinary retention.",
        "saddle_anesthesia",
        U,
    ),
    ("Retention of hardware is reasonable given the early onset.", "bladder_dysfunction", U),
    (
        "Cauda equina syndrome is not supported by the MRI or the examination.",
        "suspected_cauda_equina_syndrome",
        F,
    ),
    (
        "Six months ago he presented with a knee injury, and now has 3 days of back pain.",
        "symptoms_persisting_6_weeks",
        F,
    ),
    (
        "PAST MEDICAL HISTORY: Polymyalgia rheumatica, previously on chronic prednisone, tapered "
        "off in 2020.",
        "prolonged_corticosteroid_use",
        U,
    ),
    ("PAST MEDICAL HISTORY: COPD on chronic prednisone.", "prolonged_corticosteroid_use", T),
    ("Her mother was febrile to 102 with the same virus.", "fever", U),
    ("Return to the ED if febrile to 38.5 or higher.", "fever", U),
    (
        "No weight loss; lost 4 kg of fluid with diuresis this admission.",
        "unexplained_weight_loss",
        F,
    ),
    ("Symptoms are symmetrical, including numbness of both feet.", "paresthesia", T),
    (
        "Will notify the spine team of her worsening weakness and new urinary retention.",
        "bladder_dysfunction",
        T,
    ),
    ("He is alert with obvious left foot drop.", "leg_weakness", T),
    (
        "Will call neurosurgery for further evaluation of possible cauda equina syndrome.",
        "suspected_cauda_equina_syndrome",
        T,
    ),
    (
        "Her PCP told her to come to the emergency department for her new leg weakness.",
        "leg_weakness",
        T,
    ),
    ("We plan revision of her failed L5-S1 discectomy from 2016.", "prior_lumbar_surgery", T),
    ("Healed left lumbar incision from a previous open nephrectomy.", "prior_lumbar_surgery", U),
    ("A midline lumbar incision was made.", "prior_lumbar_surgery", U),
    ("Ozempic 1 mg weekly for weight loss.", "unexplained_weight_loss", U),
    ("ROS: Negative for weight loss.", "unexplained_weight_loss", F),
    ("Not on any blood thinners, on steroids, or on chemotherapy.", "immunocompromised", U),
    (
        "The L3 compression fracture is not felt to be pathologic.",
        "suspected_vertebral_compression_fracture",
        T,
    ),
    (
        "The L2 compression fracture is not favored to be pathologic.",
        "suspected_vertebral_compression_fracture",
        T,
    ),
    # the reviews' wrong-in-both: a volume "found on exam by bladder scan", "absent" before
    # its own noun, "on a prednisone taper"
    (
        "Denies urinary retention, though 600 mL found on exam by bladder scan.",
        "bladder_dysfunction",
        T,
    ),
    (
        "Deficits are symmetric including saddle anesthesia and absent ankle reflexes.",
        "saddle_anesthesia",
        T,
    ),
    ("Saddle anaesthesia absent bilaterally.", "saddle_anesthesia", F),
    (
        "No weight loss, on a prednisone 40 mg taper started 5 days ago for gout.",
        "prolonged_corticosteroid_use",
        U,
    ),
    # a third review: a test's result after "and" is the test's; plural findings "were absent";
    # a normal's contrast told of a modality; a reading denied or doubted in its own words; a
    # place of this encounter only
    ("She has saddle numbness and tumor markers were negative.", "saddle_anesthesia", T),
    ("He reports fevers and blood cultures were negative.", "fever", T),
    ("Urinary retention noted and the CT was negative.", "bladder_dysfunction", T),
    (
        "She has lost 9 kg in 3 months and tumor markers were negative.",
        "unexplained_weight_loss",
        T,
    ),
    ("Fever and chills were denied.", "fever", F),
    ("Saddle anesthesia and urinary retention were absent.", "bladder_dysfunction", F),
    ("R knee extension is 4/5 and the R knee jerk is absent.", "leg_weakness", T),
    ("Perianal sensation grossly intact to light touch, pinprick absent.", "saddle_anesthesia", U),
    (
        "Saddle sensation intact, pinprick diminished over the dorsum of the right foot.",
        "saddle_anesthesia",
        F,
    ),
    # a reduced voluntary squeeze is the sphincter's weakness, whatever the resting tone (round 35)
    ("Rectal tone intact, voluntary squeeze decreased.", "bowel_dysfunction", T),
    ("She has not been febrile to 101 at home.", "fever", F),
    ("Temperature at her last visit was 38.4; today 36.8.", "fever", U),
    (
        "Labs were normal, and she lists several concerns including fevers and weight loss.",
        "fever",
        T,
    ),
    (
        "Spinal infection is likely and malignancy is not suspected.",
        "suspected_spinal_infection",
        T,
    ),
    ("Urinary retention and absent rectal tone on exam.", "bladder_dysfunction", T),
    ("Saddle anesthesia absent upon examination.", "saddle_anesthesia", F),
    ("Gastric retention with 350 mL of tube feeds aspirated.", "bladder_dysfunction", U),
    (
        "He was found unresponsive at home. He has had back pain for 3 months.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    ("Fever to 39 and the rest of the exam was negative.", "fever", T),
    ("Saddle numbness and the exam was otherwise negative.", "saddle_anesthesia", T),
    ("No weakness and the exam was normal.", "leg_weakness", F),
    ("She denies incontinence but wears pads for leakage.", "bladder_dysfunction", T),
    ("She uses pads for her period.", "bladder_dysfunction", U),
    (
        "A low threshold for surgical drainage if an epidural collection is seen.",
        "surgery_or_intervention_candidate",
        U,
    ),
    ("Perianal sensation grossly intact.", "saddle_anesthesia", F),
    ("She has numbness in the seat area.", "saddle_anesthesia", T),
    # a second review's wrong-in-both: a temperature told where it was taken, a sensation of
    # the bowel lost, a history told after a negative scan's "in this patient with", a
    # suspicion "not suspected", a question "when asked about"
    ("She denies fever, but her temperature in the emergency department was 38.3.", "fever", T),
    (
        "He denies fecal incontinence but notes he cannot feel when he needs to have a bowel "
        "movement.",
        "bowel_dysfunction",
        T,
    ),
    ("She can no longer feel when her bladder is full.", "bladder_dysfunction", T),
    ("He does not feel that his bowel habits have changed.", "bowel_dysfunction", U),
    (
        "Bone scan was negative for metastatic disease in this patient with a history of renal "
        "cell carcinoma status post nephrectomy.",
        "history_of_cancer",
        T,
    ),
    ("Cauda equina syndrome is not suspected.", "suspected_cauda_equina_syndrome", F),
    # a presentation months ago tells a course at least that long
    (
        "Approximately 3 months ago, he presented to the ED with 2 days of severe low back pain.",
        "symptoms_persisting_6_weeks",
        U,
    ),
]

ROUND_31 = [
    # a saddle examination normal on one side and not the other is a saddle deficit
    (
        "Perianal sensation grossly intact on the right, reduced on the left.",
        "saddle_anesthesia",
        T,
    ),
    (
        "Perineal sensation completely intact to pinprick but absent to light touch on the left.",
        "saddle_anesthesia",
        T,
    ),
    ("Saddle sensation normal on the left, decreased on the right.", "saddle_anesthesia", T),
    # ... not a dermatome's deficit after it
    (
        "Perianal sensation intact, reduced pinprick over the left L5 dermatome.",
        "saddle_anesthesia",
        F,
    ),
    ("Perianal sensation intact bilaterally.", "saddle_anesthesia", F),
    # a normal examination told with what it includes, then its exception
    (
        "Strength is normal throughout, including the hip flexors, except the left EHL.",
        "leg_weakness",
        T,
    ),
    ("The left EHL, which is 4/5.", "leg_weakness", T),
    (
        "Sensation is intact to light touch including the feet, although slightly decreased over "
        "the left lateral foot.",
        "paresthesia",
        T,
    ),
    # ... not a limit of the examination, nor a saddle normal swallowed
    (
        "Motor strength is 5/5 throughout, including EHL, although limited by pain in the left "
        "leg.",
        "leg_weakness",
        F,
    ),
    (
        "Sensation is intact, including the saddle area, although she reports tingling in the "
        "right foot.",
        "saddle_anesthesia",
        F,
    ),
    # a surgical scar over the lower back is a lumbar operation, whatever the history says
    (
        "Past surgical history: none. On inspection there is a healed surgical scar over the "
        "lower back.",
        "prior_lumbar_surgery",
        T,
    ),
    ("Surgical scar on the lower abdomen.", "prior_lumbar_surgery", U),
    (
        "Healed midline scar on the lower back from excision of a pilonidal cyst.",
        "prior_lumbar_surgery",
        U,
    ),
    # set 31: a plan that no steroid is indicated says nothing of steroids taken
    (
        "The imaging points to the disc rather than an MS relapse, and no steroid treatment for "
        "relapse is indicated.",
        "prolonged_corticosteroid_use",
        U,
    ),
    ("No steroid use.", "prolonged_corticosteroid_use", F),
    # long-term steroids are an immunosuppressive drug, in the finding's own words too
    ("He is on long-term prednisone.", "immunocompromised", T),
    ("Not on chronic steroids.", "immunocompromised", U),
    ("His mother is on long-term prednisone.", "immunocompromised", U),
    ("Chronic steroid use, which was discontinued in 2001.", "prolonged_corticosteroid_use", U),
    # a course that cannot be tapered is long, not a taper
    (
        "He has been on prednisone 10 mg daily since a prolonged exacerbation in 01/2024, after "
        "repeated failed attempts to taper below 7.5 mg.",
        "prolonged_corticosteroid_use",
        T,
    ),
    ("Prednisone taper over 6 days.", "prolonged_corticosteroid_use", U),
    # a compression deformity seen is a compression fracture (every labeller of tests/nlp)
    (
        "Radiographs show a mild compression deformity of T12 of uncertain age.",
        "suspected_vertebral_compression_fracture",
        T,
    ),
    (
        "There is no wedge/compression deformity.",
        "suspected_vertebral_compression_fracture",
        F,
    ),
    # a deficit that spreads to a leg is progressing
    (
        "Since then the numbness that had been on the top of her left foot has spread up into "
        "the left calf.",
        "progressive_neurologic_deficit",
        T,
    ),
    (
        "Since then the numbness that had been on the top of her left foot has spread up into "
        "the left calf.",
        "paresthesia",
        T,
    ),
    ("The numbness has not spread into the calf.", "progressive_neurologic_deficit", U),
    ("She has progressive left L5 and S1 deficits.", "progressive_neurologic_deficit", T),
    # a denial after a comma goes on through a list that ends "or" an item
    ("BACK:  Skin intact, no ecchymosis, abrasion, or swelling.", "contusion_or_abrasion", F),
    ("No bowel changes, No tobacco, alcohol or IV drug use.", "injection_drug_use", F),
    ("Alert, no fever, chills or sweats, left foot drop since Monday.", "leg_weakness", T),
    ("No fever, no chills, lumbar epidural injection 5 days ago.", "recent_spinal_procedure", T),
    # return precautions with an adverb, or told "to go"; not a patient's own symptoms
    (
        "She knows to seek care urgently for saddle numbness, urinary retention, or new leg "
        "weakness.",
        "saddle_anesthesia",
        U,
    ),
    (
        "Her PCP told her to go to the emergency department for her new leg weakness and saddle "
        "numbness.",
        "saddle_anesthesia",
        T,
    ),
    (
        "Safety-netted re: CES sx - advised to attend A&E if develops saddle numbness or "
        "bladder/bowel change.",
        "saddle_anesthesia",
        U,
    ),
    ("Strength 5/5. Monitor for new leg weakness or numbness.", "leg_weakness", F),
    # round 31's attack: each rule narrowed to what it means
    ("Perianal sensation intact, reduced on the left dorsum of the foot.", "saddle_anesthesia", U),
    ("Perianal sensation intact, decreased to light touch on the left foot.", "paresthesia", T),
    ("Sensation grossly intact, however reflexes are diminished at both ankles.", "paresthesia", F),
    (
        "Strength 5/5 throughout, including hip flexors, but pain-limited in the left hip.",
        "leg_weakness",
        F,
    ),
    (
        "Strength normal, including the hip flexors, except for the left finger extensors, 4/5.",
        "leg_weakness",
        F,
    ),
    (
        "Healed surgical scar over the low back from excision of a melanoma in 2016.",
        "history_of_cancer",
        T,
    ),
    ("Healed surgical scar over the low back from a Mohs excision.", "prior_lumbar_surgery", U),
    (
        "She takes prednisone 5 mg; she was unable to taper off her oxycodone.",
        "prolonged_corticosteroid_use",
        U,
    ),
    (
        "Prednisone 20 mg daily, failed attempts to taper off prednisone.",
        "prolonged_corticosteroid_use",
        T,
    ),
    ("Long-term prednisone, which was weaned to 5 mg daily.", "prolonged_corticosteroid_use", T),
    (
        "On long-term prednisone and hydroxychloroquine, which was discontinued for retinal toxicity.",
        "prolonged_corticosteroid_use",
        T,
    ),
    (
        "Chronic steroids, which were discontinued in January but restarted in March for a flare.",
        "prolonged_corticosteroid_use",
        T,
    ),
    (
        "Chronic compression deformity of T8, unchanged from 2018.",
        "suspected_vertebral_compression_fracture",
        U,
    ),
    (
        "Hill-Sachs compression deformity of the humeral head.",
        "suspected_vertebral_compression_fracture",
        U,
    ),
    (
        "Compression deformity of the thecal sac by a large L4-5 extrusion.",
        "suspected_vertebral_compression_fracture",
        U,
    ),
    (
        "Pathologic compression deformity of L3 from known multiple myeloma.",
        "suspected_malignancy",
        T,
    ),
    ("Tingling in her fingers that has spread to her elbow.", "progressive_neurologic_deficit", U),
    (
        "Numbness in the left foot since the infection has spread to the bone.",
        "progressive_neurologic_deficit",
        U,
    ),
    (
        "Chronic, non-progressive left L4 and L5 deficits after his 2012 fusion.",
        "progressive_neurologic_deficit",
        F,
    ),
    ("Progressive right L4/L5 motor deficit.", "leg_weakness", T),
    ("Hip arthritis pain that spreads down the front of the thigh.", "radicular_pain", U),
    (
        "Her PCP saw her yesterday and told her to go to the ED for urinary retention.",
        "bladder_dysfunction",
        T,
    ),
    (
        "Counseled to return immediately with his new or worsening symptoms, including urinary "
        "retention or saddle anesthesia.",
        "saddle_anesthesia",
        U,
    ),
    # round 31's blind review: an examination or a measurement beats the history
    (
        "Denies saddle numbness. Exam: decreased pinprick sensation in the S3-S5 dermatomes.",
        "saddle_anesthesia",
        T,
    ),
    ("S3-S5 sensation intact.", "saddle_anesthesia", F),
    ("Denies urinary retention. Straight cath for 700 cc.", "bladder_dysfunction", T),
    (
        "Normal bowel movements per patient. DRE: absent anal wink and poor tone.",
        "bowel_dysfunction",
        T,
    ),
    (
        "No tingling reported. Sensory exam: vibration sense absent at the great toes.",
        "paresthesia",
        T,
    ),
    (
        "ROS: GU negative. Exam: bladder distended and palpable to the umbilicus.",
        "bladder_dysfunction",
        T,
    ),
    # ... not sclerosed veins, as often from chemotherapy, dialysis or sclerotherapy
    (
        "Sclerosed veins in both antecubital fossae from prior chemotherapy for lymphoma.",
        "injection_drug_use",
        U,
    ),
    (
        "Neuro: sensation intact bilaterally except reduced over the medial calf on the right.",
        "paresthesia",
        T,
    ),
    (
        "Sensation intact throughout except diminished pinprick in the perianal region.",
        "saddle_anesthesia",
        T,
    ),
    # ... a surgery does not resolve, and a cancer in remission is a history
    (
        "Follow-up 3 months after L4-5 fusion: leg pain resolved, back pain improved.",
        "prior_lumbar_surgery",
        T,
    ),
    (
        "Last oncology visit 2021: no evidence of disease after resection of renal cell carcinoma.",
        "history_of_cancer",
        T,
    ),
    ("No evidence of metastatic disease.", "suspected_malignancy", U),
    # a progression denied denies no deficit
    ("Denies that the numbness has spread to the groin.", "paresthesia", U),
    ("Denies that the numbness has spread to the groin.", "progressive_neurologic_deficit", F),
    # round 31's second attack
    (
        "No acute fracture. Chronic-appearing mild compression deformity of L1.",
        "suspected_vertebral_compression_fracture",
        U,
    ),
    ("Surgical scar over the lower back from melanoma excision 2018.", "history_of_cancer", T),
    (
        "Surgical scar over the lower back from resection of a liposarcoma.",
        "prior_lumbar_surgery",
        U,
    ),
    (
        "Unable to taper her gabapentin; prednisone 5-day burst for asthma last week.",
        "prolonged_corticosteroid_use",
        U,
    ),
    ("Bilateral lower extremities with poor tone and 2/5 strength.", "bowel_dysfunction", U),
    (
        "The numbness has not spread, but the weakness in the left foot has worsened since Monday.",
        "progressive_neurologic_deficit",
        T,
    ),
    ("The weakness has not worsened.", "progressive_neurologic_deficit", U),
    ("I&O cath 850 mL.", "bladder_dysfunction", T),
    ("Foley placed with 1500 cc of retained urine.", "bladder_dysfunction", T),
    ("Straight cath for 150 mL.", "bladder_dysfunction", U),
    ("Decreased pinprick S3-S5 bilaterally.", "saddle_anesthesia", T),
]

ROUND_32 = [
    # ", and that <the pain>" ends the reach of "without", not of a denial
    (
        "She reports that her back began hurting 3 weeks ago without any injury, and that the "
        "pain has gotten worse every day since.",
        "gradually_worsening_pain",
        T,
    ),
    (
        "He denies saddle anesthesia, and that the pain radiates below the knee.",
        "radicular_pain",
        F,
    ),
    # "without (any) significant" denies, within its clause; "without significant improvement"
    # says nothing of what did not improve
    (
        "MRI: a collection without significant compression of the cauda equina.",
        "suspected_cauda_equina_syndrome",
        F,
    ),
    (
        "Tamsulosin started without significant improvement in the urinary retention.",
        "bladder_dysfunction",
        T,
    ),
    (
        "Repeat MRI without significant change in the L3 epidural abscess.",
        "suspected_spinal_epidural_abscess",
        T,
    ),
    (
        "Without significant bruising, there is a 4 cm abrasion over the lumbar spine.",
        "contusion_or_abrasion",
        T,
    ),
    ("There has been no significant change in her weight.", "unexplained_weight_loss", F),
    # a span of time is no threshold
    ("Back pain over the past week and a temperature of 101.8 this morning.", "fever", T),
    ("Take Tylenol over the next 3 days for temperature 100.5 or pain.", "fever", U),
    # pain that has become more severe
    (
        "The pain has become progressively more severe over the past several weeks.",
        "gradually_worsening_pain",
        T,
    ),
    (
        "Denies fever or chills, pain has become progressively more severe over 5 days.",
        "gradually_worsening_pain",
        T,
    ),
    ("Her chest pain has become more severe with exertion.", "gradually_worsening_pain", U),
    (
        "The pain had become more severe last year but resolved with PT.",
        "gradually_worsening_pain",
        U,
    ),
    # prolonged steroid therapy in so many words
    (
        "2.  Prolonged corticosteroid therapy for immune-related colitis.",
        "prolonged_corticosteroid_use",
        T,
    ),
    ("2.  Prolonged corticosteroid therapy for immune-related colitis.", "immunocompromised", T),
    (
        "She was given an extended prednisone course (14 days) last month.",
        "prolonged_corticosteroid_use",
        U,
    ),
    # a spread of numbness, and of numbness of the saddle
    (
        "The numbness in his buttocks started this evening and has been spreading down the backs "
        "of his thighs.",
        "saddle_anesthesia",
        T,
    ),
    (
        "The numbness in his buttocks started this evening and has been spreading down the backs "
        "of his thighs.",
        "progressive_neurologic_deficit",
        T,
    ),
    (
        "No fever, numbness in the perineum has been spreading to the inner thighs.",
        "progressive_neurologic_deficit",
        T,
    ),
    (
        "Numbness in the bottom of the left foot that has extended to the heel.",
        "saddle_anesthesia",
        U,
    ),
    ("Denies that the numbness in the buttocks has spread into the legs.", "saddle_anesthesia", U),
    # pain down the backs of the legs
    (
        "Pain and heaviness in both buttocks and down the backs of both legs when she walks.",
        "radicular_pain",
        T,
    ),
    ("Pain and paresthesias down the back of the left leg.", "paresthesia", T),
    ("Low back pain, denying any radiation down the back of the legs.", "radicular_pain", F),
    # a procedure scheduled for a date is planned; one done is not
    (
        "PROCEDURE:,  L1 balloon kyphoplasty under monitored anesthesia care, Dr. Aldana, "
        "Interventional Radiology, scheduled 04/24/2025.",
        "recent_spinal_procedure",
        U,
    ),
    ("POD 9 from L4-5 decompression, suture removal booked 4/18.", "recent_spinal_procedure", T),
    # the blind review's wrong-in-both
    ("Neither fever nor weight loss.", "fever", F),
    ("Apyrexial. Obs stable.", "fever", F),
    ("IVDU: never.", "injection_drug_use", F),
    ("Fevers and rigors last winter. No fevers now.", "fever", F),
    ("Fevers since last month.", "fever", T),
    ("Her roommate had a fever last week. Pt herself afebrile.", "fever", F),
    (
        "Dear colleague, your unit operated on him in 2017 (L4/5 decompression).",
        "prior_lumbar_surgery",
        T,
    ),  # the blind review's presents read absent in both, fixed after 0ba8724
    (
        "No history of IV drug use, HIV, or immunosuppression; however she has been on "
        "prednisone 15 mg daily since last spring for lupus.",
        "immunocompromised",
        T,
    ),
    ("No urge to pass urine all day and only passing small dribbles.", "bladder_dysfunction", T),
    ("Says no fever at home but temp in dept 38.5.", "fever", T),
    ("Temp in ED 38.5.", "fever", T),
    ("Denies drug use. Multiple fresh needle marks on forearms.", "injection_drug_use", T),
    ("Insulin needle marks on the abdomen.", "injection_drug_use", U),
    ("No needle marks on the arms.", "injection_drug_use", U),
    # round 31's left: a collision told after a denied trauma
    (
        "Denies trauma; however, she was the restrained driver in a rear-end collision last week.",
        "severe_trauma",
        T,
    ),
    ("No head-on collision.", "severe_trauma", F),
]

ROUND_33 = [
    # an answer's "- no," leaves its comma to a denial of its own (metadata.lookahead)
    ("Known myeloma? - no, no cancer history known.", "history_of_cancer", F),
    ("Known myeloma? - no, but treated for breast cancer in 2019.", "history_of_cancer", T),
    ("Fever - no, chills - yes.", "fever", F),
    # ", all of which she denies" at a clause's end denies the list it follows (the patient's
    # own denial: not "which was denied" by an insurer, nor a single finding, which may be an
    # examiner's)
    ("Asked about fever, chills and weight loss, all of which she denies.", "fever", F),
    ("Asked about fever and saddle numbness, both of which she denies.", "saddle_anesthesia", F),
    ("She has saddle numbness, which she denies is new.", "saddle_anesthesia", T),
    ("Leg weakness, which the patient denied; foot drop on exam.", "leg_weakness", T),
    # set 33 and its blind fragments: a heading's two spaces before "negative for"
    (
        "Red flag screen:  negative for saddle anaesthesia, bladder/bowel changes, unexplained "
        "weight loss, fever, history of cancer.",
        "fever",
        F,
    ),
    ("Pt denys fevers or chills.", "fever", F),
    ("HIV (-) per recent screening.", "immunocompromised", U),
    # "significant" affirms a clause ("exam significant for"), not after a denial's words
    ("No history of significant trauma; symptoms began after lifting a box.", "severe_trauma", F),
    ("Denies fever. Exam significant for 4/5 EHL.", "leg_weakness", T),
    # one side affected is present, whatever the other side's word
    ("Sensation intact in the legs, reduced in the saddle region.", "saddle_anesthesia", T),
    # a return precaution and a referral read alike ("told to go to the ED for new ..."): the
    # referral's finding stays present
    (
        "Told to go to the ED for his worsening back pain and new urinary retention.",
        "bladder_dysfunction",
        T,
    ),
    # a suspicion denied over its list; it judges a diagnosis, not a history
    (
        "I do not suspect discitis or a spinal epidural abscess.",
        "suspected_spinal_epidural_abscess",
        F,
    ),
    ("I don't suspect malignancy or infection.", "history_of_cancer", U),
    ("Malignancy is not suspected.", "history_of_cancer", U),
    # a bike crash at speed, over the handlebars
    ("Fractures from a high-energy mountain bike crash.", "severe_trauma", T),
    ("He was thrown over the handlebars, landing on his back.", "severe_trauma", T),
    # a unit with a capital ends its sentence ("720 mL. Suspected ...")
    (
        "After an attempt to void, the bladder scan showed 720 mL.,ASSESSMENT:,  Suspected "
        "cauda equina syndrome.",
        "suspected_cauda_equina_syndrome",
        T,
    ),
    # "INTERVAL HISTORY:" heads the present illness
    (
        "INTERVAL HISTORY:,  He was admitted with 6 weeks of progressive low back pain.",
        "gradually_worsening_pain",
        T,
    ),
    (
        "Relevant history: a T12 vertebral fracture in 2017.",
        "suspected_vertebral_compression_fracture",
        U,
    ),
    ("Back pain that has progressively worsened.", "gradually_worsening_pain", T),
    ("She is being considered for L4-5 fusion.", "surgery_or_intervention_candidate", T),
    ("She is being considered for L4-5 fusion.", "prior_lumbar_surgery", U),
    ("Strength and sensation were normal.", "paresthesia", F),
    # from a review that attacked the round's rules (each read worse by a first draft)
    (
        "I do not suspect cauda equina despite bilateral leg weakness and saddle numbness.",
        "saddle_anesthesia",
        T,
    ),
    ("INTERVAL HISTORY: No fevers.", "fever", F),
    ("No bowel symptoms and significant urinary retention.", "bladder_dysfunction", T),
    ("Numbness (-) on the right, (+) on the left.", "paresthesia", T),
    ("Mother (Mrs F. Brown) had breast cancer.", "history_of_cancer", U),
    ("Left foot drop and the reflexes are preserved.", "leg_weakness", T),
    (
        "GU:  Negative for dysuria, has had urinary retention requiring catheterization.",
        "bladder_dysfunction",
        T,
    ),
    # a reason told with "given" ends a doubt's reach: what it names is a fact
    ("Rule out cauda equina syndrome given new urinary retention.", "bladder_dysfunction", T),
    ("Evaluate for fracture given her osteoporosis.", "osteoporosis", T),
    ("Concern for fracture as well as malignancy.", "history_of_cancer", U),
    # vocabulary from the blind fragments
    ("Over the past 2 days he cannot hold in wind or stool.", "bowel_dysfunction", T),
    ("She can hold her stool.", "bowel_dysfunction", U),
    ("He is struggling to feel the toilet paper when wiping.", "saddle_anesthesia", T),
    ("His stream has become weak over the last few days.", "bladder_dysfunction", T),
    ("The pain has been slowly getting worse and worse.", "gradually_worsening_pain", T),
    # one side affected is present, whatever the other side's word
    (
        "Sensation intact in the saddle area on the right, reduced on the left.",
        "saddle_anesthesia",
        T,
    ),
    # "N hours after the onset of <a symptom>" does not date the operation from the note
    (
        "He underwent L5-S1 laminectomy about 30 hours after the onset of retention.",
        "recent_spinal_procedure",
        U,
    ),
    (
        "He had an L4-5 epidural steroid injection 3 days before admission.",
        "recent_spinal_procedure",
        T,
    ),
]

ROUND_34 = [
    # a patient who has, reports or presents with red flag symptoms or warning signs "such as" or
    # "of" X has X: education's "warning signs" and "red flag symptoms such as" had hidden them
    (
        "She has red flag symptoms such as saddle anesthesia and urinary retention.",
        "saddle_anesthesia",
        T,
    ),
    ("Patient presents with warning signs: fever and new urinary retention.", "fever", T),
    (
        "He is experiencing warning signs of cauda equina syndrome, with saddle numbness.",
        "saddle_anesthesia",
        T,
    ),
    # education still says nothing of the patient
    ("Warning signs explained: fever, weight loss, night pain.", "fever", U),
    ("Discussed red flags such as saddle anesthesia, urinary retention and fever.", "fever", U),
    (
        "Discussed red flags such as saddle anesthesia; she has urinary retention.",
        "bladder_dysfunction",
        T,
    ),
    (
        "Patient educated on warning signs of cauda equina syndrome including saddle numbness.",
        "suspected_cauda_equina_syndrome",
        U,
    ),
    ("He has warning signs of cauda equina syndrome.", "suspected_cauda_equina_syndrome", T),
    # a capital letter's full stop after a lower-case word ends the sentence; a name's initial
    # after a relative or "by" does not
    ("No history of hepatitis B or C. Active IV drug user.", "injection_drug_use", T),
    ("Denies hepatitis C. HIV positive on antiretrovirals.", "immunocompromised", T),
    ("Family hx: brother C. Smith with osteoporosis.", "osteoporosis", U),
    ("No fevers, per A. Jones. Temperature not taken.", "fever", F),
    # set 34 and its blind fragments: a thoracolumbar range is a lumbar operation
    ("She underwent T11-L3 posterior decompression and fusion.", "prior_lumbar_surgery", T),
    ("Prior T4-T8 fusion in 2015.", "prior_lumbar_surgery", U),
    ("Neurosurgery found him intact, and plans T12-L2 laminectomy.", "prior_lumbar_surgery", U),
    # vocabulary: a pain down the backs of both legs; sacral levels "through"; a muscle's full
    # name, an abbreviation or both limbs with a grade
    ("Pain now going down the backs of both legs to the calves.", "radicular_pain", T),
    ("Sensation absent at S3 through S4-5.", "saddle_anesthesia", T),
    ("S3 through S5 sensation intact.", "saddle_anesthesia", F),
    (
        "Light touch and pinprick intact through L2, impaired from L3 through S2 bilaterally.",
        "paresthesia",
        T,
    ),
    ("Numbness of both legs below the knees and of the buttocks.", "saddle_anesthesia", T),
    ("Numbness of both legs below the knees and of the buttocks.", "paresthesia", T),
    ("Right extensor hallucis longus is 4/5.", "leg_weakness", T),
    ("Tibialis anterior 4/5 on the left.", "leg_weakness", T),
    ("MMT R hip abd 4/5, otherwise 5/5 BLE.", "leg_weakness", T),
    ("Right hip abd 5/5.", "leg_weakness", F),
    ("Exam: 4/5 bilat LE.", "leg_weakness", T),
    ("B/L LL power 2/5.", "leg_weakness", T),
    (
        "Motor strength is 5/5 in the bilateral lower extremities with the exception of the "
        "right hip flexors.",
        "leg_weakness",
        T,
    ),
    (
        "Strength 5/5 in the bilateral lower extremities with the exception of the right grip.",
        "leg_weakness",
        U,
    ),
    ("Rectal exam: decreased tone.", "bowel_dysfunction", T),
    ("Rectal exam: normal tone.", "bowel_dysfunction", F),
    # a deficit "not present pre-operatively" is new; a temperature range reaches its top
    ("New left foot drop not present pre-operatively.", "leg_weakness", T),
    ("Foot drop not present.", "leg_weakness", F),
    ("Low-grade temps 37.9-38.2 since yesterday.", "fever", T),
    ("T 36.8-37.2 overnight.", "fever", F),
    # a course "for the past year" is long
    ("She has taken prednisone 5 mg daily for the past year.", "prolonged_corticosteroid_use", T),
    # what the record does not say says nothing
    ("No details on whether the leg pain has settled.", "radicular_pain", U),
    ("Not documented whether she has fever.", "fever", U),
    ("Weight loss? - not stated.", "unexplained_weight_loss", U),
    ("Weight loss? - no.", "unexplained_weight_loss", F),
    # a lymphoma's CNS prophylaxis denies no lymphoma; "p/w" ends a history's reach; "(active"
    ("Intrathecal chemotherapy for CNS lymphoma prophylaxis.", "history_of_cancer", T),
    ("Hx of IVDU (active, uses heroin daily) p/w fevers to 39.1.", "injection_drug_use", T),
    ("Hx of IVDU (active, uses heroin daily) p/w fevers to 39.1.", "fever", T),
    ("Hx of IVDU, in remission 10 years.", "injection_drug_use", U),
    # a known spelling kept in a rule's words: "leukaemia" is still read as the leukemia it is
    ("She is being treated for leukaemia.", "history_of_cancer", T),
    # the blind fragments' false presents: a denial "including for", "-ve", a form's "N." before
    # the next label, "ruled out by", a poor candidate, risks discussed, a relative's cancer
    (
        "ROS otherwise negative including for fever, bowel/bladder dysfunction, and saddle "
        "numbness.",
        "saddle_anesthesia",
        F,
    ),
    ("+ve numbness R thigh (anterior), -ve saddle numbness.", "saddle_anesthesia", F),
    ("+ve numbness R thigh (anterior), -ve saddle numbness.", "paresthesia", T),
    ("ROS: Fever: N. Chills: N. Weakness legs: N. Numbness legs: Y.", "fever", F),
    ("ROS: Fever: N. Chills: N. Weakness legs: N. Numbness legs: Y.", "paresthesia", T),
    ("Fever? N. Smith reviewed.", "fever", U),
    ("Spinal epidural abscess, ruled out by MRI.", "suspected_spinal_epidural_abscess", F),
    ("Epidural abscess, not ruled out by MRI.", "suspected_spinal_epidural_abscess", T),
    (
        "The patient is a poor surgical candidate given severe COPD.",
        "surgery_or_intervention_candidate",
        F,
    ),
    (
        "Consent: risks discussed including infection, epidural abscess, paralysis, bowel and "
        "bladder dysfunction.",
        "bladder_dysfunction",
        U,
    ),
    (
        "Her grandma had myeloma and she is anxious about cancer; she herself has never had cancer.",
        "history_of_cancer",
        F,
    ),
    # a worry about one's own symptom is the symptom
    ("She is worried about her leg weakness.", "leg_weakness", T),
    ("Now 2 weeks of worsening mid-back pain.", "gradually_worsening_pain", T),
    ("Low back pain which has been gradually getting worse.", "gradually_worsening_pain", T),
    ("Hx of IVDU, p/w fevers to 39.1.", "fever", T),
    ("R/o infection vs malignancy.", "suspected_malignancy", T),
    # from a review that attacked the round's rules (each read worse by a first draft)
    (
        "Patient does not have red flag symptoms such as saddle anesthesia or urinary retention.",
        "saddle_anesthesia",
        U,
    ),
    (
        "If he develops warning signs such as urinary retention, he will return.",
        "bladder_dysfunction",
        U,
    ),
    ("Fever not present at triage; T 37.1.", "fever", F),
    ("Urinary retention not present at baseline; new since the fall.", "bladder_dysfunction", T),
    ("Over the past year he received two Medrol dose packs.", "prolonged_corticosteroid_use", U),
    ("Has not needed prednisone for the past year.", "prolonged_corticosteroid_use", U),
    ("Remote IVDU (active in the 1990s), abstinent since 2002.", "injection_drug_use", U),
    ("5/5 abductor pollicis brevis bilaterally, Tinel negative at the wrist.", "leg_weakness", U),
    ("Sensation intact except decreased over L. Lateral foot.", "paresthesia", T),
    ("No evidence of S. Aureus osteomyelitis on MRI.", "suspected_spinal_infection", F),
    (
        "On tamoxifen for breast cancer prophylaxis; no personal history of cancer.",
        "history_of_cancer",
        F,
    ),
    ("No details on the injection, fever 38.5 today.", "fever", T),
    (
        "Light touch normal bilaterally with the exception of the lateral right calf.",
        "paresthesia",
        U,
    ),
    # a label answered "not stated" says nothing; a rectal examination's tone, either order
    ("Urinary retention: not stated.", "bladder_dysfunction", U),
    ("Fever - not documented.", "fever", U),
    ("Urinary retention: yes. Fever: not stated.", "bladder_dysfunction", T),
    ("Rectal exam: tone diminished.", "bowel_dysfunction", T),
    ("PR exam: tone normal.", "bowel_dysfunction", F),
    # the attack's wordings the round had missed
    ("Extensor hallucis longus weakness on the left, 4-/5.", "leg_weakness", T),
    ("Pinprick decreased from S3 through S4-5.", "saddle_anesthesia", T),
    ("Tingling in both feet and also in the perineum.", "saddle_anesthesia", T),
    ("Perianal exam: sensation absent to pinprick around the anus.", "saddle_anesthesia", T),
    ("Adductor pollicis weakness on the right.", "leg_weakness", U),
    # a place among a mention's own words places it: an arm's place beyond a comma does not
    # take the legs' grade elsewhere
    ("Power 4/5 bilat LE, 5/5 bilat UE.", "leg_weakness", T),
    ("5/5 bilat UE, 4/5 bilat LE.", "leg_weakness", T),
    ("Numbness, left hand.", "paresthesia", U),
    # a label's "absent:" leaves its colon to the list's own "no" ("Absent: no fever" had read
    # fever present: the two cues overlapped on the colon and both went)
    ("Red flags screened and absent: no fever, no weight loss.", "fever", F),
    ("Fever neg, chills neg.", "fever", F),
]

ROUND_35 = [
    # denials at a clause's end: "all" over the list; withdrawn after two attacks, the singular
    # ", which she denies", "and denies both" and "reports neither" (they denied what a wife, a
    # letter or the examiner had reported)
    ("Fever and chills, which she denies. Left foot drop noted on exam.", "leg_weakness", T),
    ("Fever and weight loss were all reviewed and are absent.", "fever", F),
    ("Night sweats and fever are both absent.", "fever", F),
    # a list's own verdict stops at a comma: what comes before it may be a clause of its own
    ("Left foot drop noted, night sweats and fever are both absent.", "leg_weakness", T),
    (
        "She has new saddle numbness, and fever and weight loss were screened and negative.",
        "saddle_anesthesia",
        T,
    ),
    ("Left foot drop on exam, saddle numbness, which she denies.", "leg_weakness", T),
    # blind fragments b35: a present finding read as absent on the session's start
    ("Motor: R L2 4/5, L3 4/5, L4 5/5, L5 5/5, S1 5/5; L side 5/5 throughout.", "leg_weakness", T),
    ("Strength 5-/5 L EHL otherwise full.", "leg_weakness", T),
    (
        "Denies numbness in the saddle region; however there is reduced pinprick over the L "
        "S2-S4 dermatomes.",
        "saddle_anesthesia",
        T,
    ),
    ("Pt denies IVDU but admits to skin-popping heroin on weekends.", "injection_drug_use", T),
    (
        "No saddle anaesthesia but reduced sensation over the L inner thigh and buttock.",
        "saddle_anesthesia",
        T,
    ),
    (
        "A: vertebral osteomyelitis unlikely; will check ESR/CRP to be safe.",
        "suspected_spinal_infection",
        T,
    ),
    ("Decreased light touch over the right medial thigh.", "saddle_anesthesia", U),
    # grades without "/5" under "Power" or "MRC"; a grade with the muscle's level
    (
        "Power: hip flexion 5, quads 5, TA 5, EHL 4+, FHL 5, gastrocs 5 (L); R all 5.",
        "leg_weakness",
        T,
    ),
    ("Power (MRC): L hip flexion 3, knee ext 4, DF 4, PF 5, EHL 3.", "leg_weakness", T),
    ("Strength training: hip flexion 3 sets, knee extension 2 x 10.", "leg_weakness", U),
    ("Hip ROM: flexion 90, extension 10, abduction 30.", "leg_weakness", U),
    ("She had progressive right plantar flexion weakness.", "progressive_neurologic_deficit", T),
    # procedures: a weekday, "post <operation>", a labour epidural; a telephone advice note
    # a weekday dates nothing that a year or a month dates in the same sentence; not read (attack)
    (
        "Pt had a facet joint injection L4/5 last Thursday with 50% relief.",
        "recent_spinal_procedure",
        U,
    ),
    ("Follow-up 4 weeks post L3-4 XLIF: doing well.", "recent_spinal_procedure", U),
    (
        "10 days postpartum after epidural labour analgesia; fever 38.4.",
        "recent_spinal_procedure",
        U,
    ),
    (
        "Telephone advice: pt had lumbar facet injections this morning.",
        "recent_spinal_procedure",
        U,
    ),
    ("LP planned to rule out meningitis.", "surgery_or_intervention_candidate", U),
    # vocabulary
    ("Concern for metastasis given prior renal cell ca.", "history_of_cancer", T),
    ("PHx: lap chole, L4/5 lami 2015, R TKR.", "prior_lumbar_surgery", T),
    (
        "Bladder scan 780 mL. Concern for cauda equina, MRI emergently.",
        "suspected_cauda_equina_syndrome",
        T,
    ),
    ("The conus and cauda equina are normal.", "suspected_cauda_equina_syndrome", U),
    (
        "MRI to evaluate for cauda equina in a patient with new saddle numbness.",
        "saddle_anesthesia",
        U,
    ),
    (
        "Evaluate for leptomeningeal disease in this pt with known metastatic melanoma.",
        "history_of_cancer",
        U,
    ),
    (
        "MRI shows an L1 vertebral body metastasis with 40% collapse.",
        "suspected_vertebral_compression_fracture",
        T,
    ),
    ("Anal resting tone mildly reduced; voluntary squeeze present.", "bowel_dysfunction", T),
    ("Anal resting tone normal.", "bowel_dysfunction", U),
    (
        "Decreased pinprick from the feet to the knees bilaterally and over the perianal region.",
        "saddle_anesthesia",
        T,
    ),
    (
        "Decreased pinprick from the feet to the knees bilaterally and over the perianal region.",
        "paresthesia",
        T,
    ),
    ("Decreased sensation in the feet, normal over the perianal region.", "saddle_anesthesia", U),
    (
        "She has 7 weeks of low back pain that has become progressively more severe.",
        "gradually_worsening_pain",
        T,
    ),
    (
        "He has had back pain for 3 weeks, which has kept getting worse despite ibuprofen.",
        "gradually_worsening_pain",
        T,
    ),
    (
        "With pain into the left buttock and down the back of the left thigh into the calf.",
        "radicular_pain",
        T,
    ),
    # radiotherapy is no pain that radiates; a service is no operation
    ("No prior pelvic surgery or radiation.", "radicular_pain", U),
    ("Back pain without radiation.", "radicular_pain", F),
    ("Off work until seen by spine surgery.", "prior_lumbar_surgery", U),
    ("He had spine surgery in 2015.", "prior_lumbar_surgery", T),
    # return precautions told as a plan; a denial the patient cannot vouch for
    (
        "He went to the emergency department for urinary retention yesterday.",
        "bladder_dysfunction",
        T,
    ),
    (
        "He denies any fall, but he does not remember the hours before he was found.",
        "severe_trauma",
        U,
    ),
    ("He has a foot drop, but he does not remember when it began.", "leg_weakness", T),
    (
        "You are to be seen today rather than managing this at home: back pain that keeps "
        "getting worse over days needs an exam.",
        "gradually_worsening_pain",
        T,
    ),
    # a normal examination told in other words; its exception still a weakness
    ("Motor, sensory and reflex exam normal.", "leg_weakness", U),
    ("Motor and sensory examination of the lower extremities is normal.", "paresthesia", F),
    ("Motor: MRC 5/5 in all muscle groups of the upper and lower limbs.", "leg_weakness", F),
    ("Lower limb power MRC grade 5 throughout.", "leg_weakness", F),
    ("5/5 in all muscle groups except L DF 4.", "leg_weakness", T),
    ("Power MRC grade 5 throughout except L EHL 4.", "leg_weakness", T),
    ("Power grade 5 in all groups except L DF 4.", "leg_weakness", U),
    ("Reflexes: knee 2+, ankle 1+ B/L.", "leg_weakness", U),
    # an attack on the round (review35a): what its first draft read worse
    (
        "Cauda equina red flags (saddle anaesthesia, retention) were screened and are all negative.",
        "saddle_anesthesia",
        F,
    ),
    (
        "The physio found weakness of ankle dorsiflexion 4/5, which the patient denies.",
        "leg_weakness",
        T,
    ),
    (
        "Urinary hesitancy and poor stream for 2 days and incontinence she has none.",
        "bladder_dysfunction",
        T,
    ),
    (
        "Risk factors: none of the above - on prednisone 20 mg daily for 8 months.",
        "prolonged_corticosteroid_use",
        T,
    ),
    ("DTRs: quad 2+, hamstring 1+, ankle 1+ bilaterally and symmetric.", "leg_weakness", U),
    ("Tone (modified Ashworth): L knee ext 1+, ankle PF 2, hip add 1.", "leg_weakness", U),
    ("HEP given: glutes 2, hamstrings 3, quads 3 (sets of 10 reps daily).", "leg_weakness", U),
    ("Power (MRC): glutes 5, quads 5, EHL 4-, TA 5.", "leg_weakness", T),
    ("Disc desiccation at L4-L5 and L5-S1, graded 4/5 on Pfirrmann.", "leg_weakness", U),
    (
        "Progressive knee extension deficit of 15 degrees due to arthrofibrosis.",
        "progressive_neurologic_deficit",
        U,
    ),
    ("Decreased sensation in both feet, no change in the perianal region.", "saddle_anesthesia", U),
    (
        "Reduced pinprick L4 and L5 on the left, up to the perineal region it is normal.",
        "paresthesia",
        T,
    ),
    ("Decreased sensation both feet and sensation at the perineum is intact.", "paresthesia", T),
    ("PR: anal resting tone normal. Unable to squeeze on command.", "bowel_dysfunction", T),
    ("Rectal exam: resting tone normal, squeeze markedly reduced.", "bowel_dysfunction", T),
    ("Hand grip: squeeze weak on the left.", "bowel_dysfunction", U),
    (
        "Mild EHL weakness 4/5 on the right and cauda equina is unlikely but will get an MRI to "
        "be safe.",
        "leg_weakness",
        T,
    ),
    (
        "Patient worried about cauda equina after reading online; no red flags.",
        "suspected_cauda_equina_syndrome",
        U,
    ),
    (
        "Bacterial meningitis with meningeal involvement of the cauda equina roots.",
        "history_of_cancer",
        U,
    ),
    (
        "He has had 10% loss of body weight since summer.",
        "suspected_vertebral_compression_fracture",
        U,
    ),
    (
        "50% height loss of the L4-5 disc space with endplate sclerosis.",
        "suspected_vertebral_compression_fracture",
        U,
    ),
    ("Denies numbness, tingling or radiation.", "radicular_pain", F),
    ("Foot drop caused by spine surgery last week.", "recent_spinal_procedure", T),
    (
        "Instructed to go to the emergency department immediately for worsening leg weakness "
        "which started today.",
        "leg_weakness",
        T,
    ),
    (
        "She knows to go to the emergency department for saddle numbness, urinary retention, or "
        "worsening weakness.",
        "saddle_anesthesia",
        U,
    ),
    (
        "On exam no bruising or abrasions over the spine, and no memory of any injury.",
        "contusion_or_abrasion",
        F,
    ),
    ("Had an L4-5 fusion in 2015 and fell over the weekend.", "recent_spinal_procedure", U),
    (
        "Back pain which has been steadily improving with physiotherapy.",
        "gradually_worsening_pain",
        U,
    ),
    (
        "Abdominal pain which has kept getting worse over 2 days, back pain stable.",
        "gradually_worsening_pain",
        F,
    ),
    ("Sciatica that has been gradually resolving over 4 weeks.", "radicular_pain", T),
    (
        "Low suspicion of fracture in this woman with known osteoporosis, no trauma.",
        "osteoporosis",
        T,
    ),
    ("Back pain not helped by spine surgery in 2012.", "prior_lumbar_surgery", T),
    (
        "He has left leg weakness and reduced ankle reflex and Babinski and clonus are both absent.",
        "leg_weakness",
        T,
    ),
]

ROUND_36 = [
    # six weeks of care that did not help: more ways to tell the failure, the care and the span
    (
        "Back pain for 4 months which did not improve with 6 weeks of physical therapy and meloxicam.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "He has had 8 weeks of physical therapy, gabapentin, and naproxen.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "Low back pain for the past 6 weeks, not relieved by scheduled acetaminophen or tramadol.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "Low back pain for 3 months. Physio x 6 sessions. Minimal benefit.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "Duration: 9 months. Conservative tx: PT (12 wks), NSAIDs, TENS. Response: none.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "He has had 3 months of back pain. He tried naproxen and PT, none of which helped.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "Twelve weeks of physiotherapy, naproxen and amitriptyline with little benefit.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "He reports a 15-year history of low back pain. He has tried multiple conservative treatments including physical therapy.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "The current problem began 3 months ago. Treatment for the current problem includes activity modification, bracing and medications.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    # ... not care that helped, nor a short course
    (
        "Had 8 sessions with our physio over 6 weeks - pain now much better, 2/10.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    ("Back pain. Symptoms duration 5 days. No red flags.", "symptoms_persisting_6_weeks", F),
    # ... not a form's bare "Duration:", which may be a fit note's or a drug's (an attack)
    (
        "Back pain for 4 months. Plan: naproxen 500 mg BD. Duration: 2 weeks.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    ("Seven days of low back pain after lifting.", "symptoms_persisting_6_weeks", F),
    # an occasion excepted after a list may be any item's: kept open, not denied
    ("No fevers or chills apart from one night last week.", "fever", U),
    ("No fever or sweats except once on Monday.", "fever", U),
    ("No fevers except one night last week.", "fever", T),
    # ... an occasion of its own, or of a night out, is the last item's (an attack)
    (
        "No saddle numbness or incontinence apart from one episode of urgency.",
        "saddle_anesthesia",
        F,
    ),
    ("No leg weakness or numbness apart from once after a long drive.", "leg_weakness", F),
    ("No IV drug use, smoking or alcohol except an occasional night out.", "injection_drug_use", F),
    ("No fever or numbness except the right toe.", "fever", F),
    ("No fevers or chills.", "fever", F),
    # "raised" is a lab's and a straight leg's, not a plan's; a doubt stops at "given"
    ("Fever with raised inflammatory markers.", "fever", T),
    (
        "Straight leg raised to 40 degrees reproduces pain radiating down the left leg.",
        "radicular_pain",
        T,
    ),
    ("Query discitis given raised CRP and fever 38.2.", "fever", T),
    ("Query discitis given raised CRP and fever 38.2.", "suspected_spinal_infection", T),
    ("Surgery was raised as an option.", "surgery_or_intervention_candidate", T),
    # vocabulary
    ("Power reduced L ankle dorsiflexion (4/5).", "leg_weakness", T),
    ("Sensory exam: dec LT over L anterior thigh.", "paresthesia", T),
    ("Dec sens R L5 > S1.", "paresthesia", T),
    ("Pt HIV+ on ART, undetectable.", "immunocompromised", T),
    ("Metastatic lung ca to bone, on palliative chemo.", "immunocompromised", T),
    ("Underwent L3-S1 PSIF in 2020.", "prior_lumbar_surgery", T),
    ("Decreased rectal sensation on DRE.", "bowel_dysfunction", T),
    ("RECTAL:  Decreased tone.", "bowel_dysfunction", T),
    ("Has lost the sensation of needing to pass urine.", "bladder_dysfunction", T),
    ("Decreased perianal pinprick.", "saddle_anesthesia", T),
    ("No decreased perianal sensation.", "saddle_anesthesia", F),
    # a leg's worsening weakness is the weakness too, beside a normal other leg (an attack on
    # a wider "deficits are worsening", withdrawn)
    ("Right leg 5/5. Left leg weakness that has worsened over the week.", "leg_weakness", T),
    ("Left leg numbness has worsened; right leg sensation intact.", "paresthesia", T),
    (
        "Impression: a progressive left L3 radiculopathy with quadriceps weakness.",
        "progressive_neurologic_deficit",
        T,
    ),
    (
        "Impression: a progressive left L3 radiculopathy with quadriceps weakness.",
        "radicular_pain",
        T,
    ),
    ("Rapidly progressive paraparesis.", "leg_weakness", T),
    ("No progressive radiculopathy.", "radicular_pain", U),
    # places and plans
    ("Fingertip tingling as above.", "paresthesia", U),
    (
        "Neurosurgery is taking him emergently to the operating room for L4-L5 laminectomy.",
        "prior_lumbar_surgery",
        U,
    ),
    (
        "Neurosurgery is taking him emergently to the operating room for L4-L5 laminectomy.",
        "surgery_or_intervention_candidate",
        T,
    ),
    ("He was taken to the operating room for L4-5 laminectomy in 2019.", "prior_lumbar_surgery", T),
    ("Positive cough stress test with a comfortably full bladder.", "bladder_dysfunction", U),
    ("He has reduced sensation of bladder filling.", "bladder_dysfunction", T),
    ("Reduced sensation to the full L5 distribution on the left.", "paresthesia", T),
    ("He has lost the sensation of needing to pass stool.", "bladder_dysfunction", U),
    (
        "He was transferred to the operating room for an L3-4 laminectomy 3 weeks ago.",
        "recent_spinal_procedure",
        T,
    ),
    # six weeks of care for something else, or that helped, or a plan (an attack)
    ("Had 6 weeks of PT for plantar fasciitis last year.", "symptoms_persisting_6_weeks", U),
    (
        "Back pain for 3 months. Ibuprofen for 8 weeks for plantar fasciitis. Pain persists.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    (
        "Received 6 weeks of physiotherapy with good improvement in pain and function.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    ("He did 8 weeks of physio which helped a lot.", "symptoms_persisting_6_weeks", U),
    (
        "Back pain for 3 months. Meds: naproxen 500 bd. Neuro exam unchanged.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    (
        "Poorly controlled hypertension on medications for 5 years. Back pain x 2 weeks.",
        "symptoms_persisting_6_weeks",
        F,
    ),
    (
        "The pain did not settle until she started physio 8 weeks ago; now much improved.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    (
        "Must have had 6 weeks of physical therapy prior to MRI approval.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    (
        "Back pain for 3 months. Scheduled epidural steroid injection on 5/12.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    (
        "Treatment for the current problem has included PT for 8 weeks and NSAIDs, without relief.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    ("Palpable full bladder to the umbilicus.", "bladder_dysfunction", T),
    ("Severe colicky left flank pain radiating to the groin.", "radicular_pain", U),
    ("Back pain radiating to the left groin and anterior thigh.", "radicular_pain", T),
    # a second attack: new vocabulary after a list's denial is not denied by it; a progressive
    # radiculopathy, told or denied after a list, keeps its course open; care that "helped,
    # however the pain returned" failed
    ("No fever, decreased perianal pinprick, reduced anal tone.", "saddle_anesthesia", T),
    ("Denies bladder problems, reduced perineal light touch on the left.", "saddle_anesthesia", T),
    ("Exam: no focal weakness, dec sens L5 left, SLR +ve at 40.", "paresthesia", T),
    (
        "No fever, progressive left L5 radiculopathy with new foot drop.",
        "progressive_neurologic_deficit",
        U,
    ),
    ("No progressive radiculopathy.", "progressive_neurologic_deficit", U),
    ("Stable, non-progressive left L5 radiculopathy.", "progressive_neurologic_deficit", F),
    ("O/E: no spinal tenderness, dec PP over the saddle area.", "saddle_anesthesia", T),
    (
        "Low back pain for 4 months. Has tried physio which helped, however the pain returned.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "Back pain for 5 months. Has had NSAIDs and PT, neither particularly helpful.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    ("Low back pain x 1 year. Has had physio for his HNP.", "symptoms_persisting_6_weeks", T),
    (
        "Back pain 3 months. She received 12 weeks of B12 injections.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    (
        "Back pain for 5 days. 20-year history of smoking and back surgery in 2005.",
        "symptoms_persisting_6_weeks",
        F,
    ),
    (
        "Back pain for 4 days. This complaint is new, her knee condition started 2 years ago.",
        "symptoms_persisting_6_weeks",
        F,
    ),
    ("Diarrhoea symptoms for ten days. Also has back pain.", "symptoms_persisting_6_weeks", U),
    (
        "Sx duration: 3 hrs. Procedure: L4-5 microdiscectomy for sciatica.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    ("Needlestick injury from an HIV+ patient last month. Back pain.", "immunocompromised", U),
    ("She is coming to the surgery for her methotrexate blood monitoring.", "immunocompromised", T),
    ("He is unable to sense a comfortably full bladder.", "bladder_dysfunction", T),
    (
        "Left flank pain radiating to the groin, and down the left leg to the foot.",
        "radicular_pain",
        T,
    ),
]

ROUND_37 = [
    # a patient's denial after what was found does not deny it
    ("Left foot drop on exam, which he denies noticing.", "leg_weakness", T),
    ("Left foot drop on exam, which he denies.", "leg_weakness", T),
    # a review of a system with its own list denies the list, not the system
    ("GU: negative for dysuria.", "bladder_dysfunction", U),
    ("GU: negative.", "bladder_dysfunction", F),
    ("GI: negative for melena.", "bowel_dysfunction", U),
    ("GU: negative for retention or incontinence.", "bladder_dysfunction", F),
    # the saddle's sensation with its modality, intact or reduced
    # (not read as the saddle's either: a contrast may follow, "...intact. Pinprick: reduced")
    ("Perianal sensation to pinprick intact.", "saddle_anesthesia", U),
    ("Perianal sensation to pinprick intact.", "paresthesia", U),
    ("Perianal sensation to pinprick decreased.", "saddle_anesthesia", T),
    ("Saddle sensation to light touch is reduced on the left.", "saddle_anesthesia", T),
    # an exception after a normal sensory examination, however the examination is told
    (
        "Sensation intact to light touch throughout except decreased over the left lateral foot.",
        "paresthesia",
        T,
    ),
    ("Sensory: intact except decreased over the L5 dermatome.", "paresthesia", T),
    ("Light touch intact throughout, except reduced in left L5 dermatome.", "paresthesia", T),
    ("Sensation intact to light touch and pinprick from L1 through S1.", "paresthesia", F),
    ("Sensation absent from T10 down.", "paresthesia", T),
    # durations with a half, and a pain's plateau is not its duration
    (
        "Back pain for a month and a half, physiotherapy not helping.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    (
        "Back pain for one and a half months despite physio and naproxen without relief.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    ("Back pain for 0.5 months.", "symptoms_persisting_6_weeks", F),
    (
        "Back pain 'since one month and half', physio not giving good result.",
        "symptoms_persisting_6_weeks",
        U,
    ),
    # vocabulary
    ("Pain slowly worsening.", "gradually_worsening_pain", T),
    ("Found incontinent of urine and faeces in bed.", "bowel_dysfunction", T),
    (
        "Has had trouble getting started when passing water for a few days.",
        "bladder_dysfunction",
        T,
    ),
    # another site's injury denied is no denial of trauma
    ("CT showed no intracranial injury.", "severe_trauma", U),
    # instructions: a list of what may come
    (
        "He was told to come to the emergency department for fever, new weakness or numbness in"
        " the legs, or loss of control of his bladder.",
        "fever",
        U,
    ),
    (
        "He was instructed to go directly to the emergency department for numbness in the saddle"
        " region, difficulty passing urine, or loss of bowel control.",
        "saddle_anesthesia",
        U,
    ),
    (
        "6.  Go to the emergency department for numbness in the saddle area, trouble emptying the"
        " bladder, or weakness in the other leg.",
        "bladder_dysfunction",
        U,
    ),
    # ... not one problem she is sent with, nor a visit told
    (
        "Her PCP told her to go to the ED for urinary retention that started this morning.",
        "bladder_dysfunction",
        T,
    ),
    ("Pt will go to the ED for urinary retention.", "bladder_dysfunction", T),
    ("He came to the emergency department for fever and back pain.", "fever", T),
    ("He went to the emergency department for leg weakness last week.", "leg_weakness", T),
    ("She decided to go to the ED for new numbness in her saddle area.", "saddle_anesthesia", T),
    # the saddle's sensation, intact in one way and reduced in another
    ("Perianal sensation to pinprick intact previously, now reduced.", "saddle_anesthesia", T),
    (
        "Perianal sensation to light touch intact; pinprick decreased on the left.",
        "saddle_anesthesia",
        T,
    ),
    ("Perianal sensation to light touch intact, reduced to cold.", "saddle_anesthesia", T),
    ("Perianal sensation intact previously, now reduced.", "saddle_anesthesia", T),
    ("Perianal sensation to pinprick intact, previously reduced.", "saddle_anesthesia", U),
    (
        "Perianal sensation to light touch intact, reduced pinprick on the left.",
        "saddle_anesthesia",
        T,
    ),
    ("Perianal sensation to pinprick reduced but light touch intact.", "saddle_anesthesia", T),
    (
        "Perianal sensation to light touch: intact. Pinprick: reduced on left.",
        "saddle_anesthesia",
        U,
    ),
    # a risk named; what is not
    ("He was seen by the spine surgery service.", "prior_lumbar_surgery", U),
    ("History of spine surgery.", "prior_lumbar_surgery", T),
    ("Antibodies carry a cancer risk.", "history_of_cancer", U),
    ("Known breast cancer risk of metastases to the spine is high.", "history_of_cancer", T),
    ("Difficulty getting started when he walks.", "bladder_dysfunction", U),
    ("No personal or family history of malignancy.", "history_of_cancer", F),
    ("Patient is immunocompetent.", "immunocompromised", F),
    ("Pinprick preserved in the perianal region.", "paresthesia", U),
    ("He is continent of stool.", "bowel_dysfunction", F),
    ("He is not continent of stool.", "bowel_dysfunction", U),
    (
        "MRI findings consistent with leptomeningeal metastasis.",
        "suspected_malignancy",
        T,
    ),
    (
        "Intact to light touch throughout except decreased over the left lateral calf.",
        "paresthesia",
        T,
    ),
]

ROUND_38 = [
    # an empty-set sign against an item denies it, not past a plus sign
    ("\u00d8 saddle anaes. \u00d8 urinary retention.", "bladder_dysfunction", F),
    (
        "\u00d8 trauma \u00d8 fever + saddle anaesthesia + urinary retention.",
        "saddle_anesthesia",
        T,
    ),
    # a loss of the saddle told after a normal of the legs
    ("Decreased sensation in the saddle area.", "saddle_anesthesia", T),
    ("Sensation intact in the legs and decreased in the saddle area.", "saddle_anesthesia", T),
    ("Sensation intact in the legs and saddle anesthesia present.", "saddle_anesthesia", T),
    ("Sensation intact in the legs and numbness in the saddle area.", "saddle_anesthesia", T),
    # what he cannot feel is the saddle's, not a symptom in the legs
    ("She does not feel any weakness in the legs.", "saddle_anesthesia", U),
    ("He can't feel the toilet paper between his legs.", "saddle_anesthesia", T),
    # orders and instructions that list what may come, closed with "or"
    (
        "Nursing to watch the sites and to notify me of fever, new leg weakness or numbness, "
        "urinary retention, or a sudden increase in back pain.",
        "fever",
        U,
    ),
    (
        "Nursing to report at once a temperature of 100.4 F or more, new leg weakness or "
        "numbness, new inability to void, or worsening back pain.",
        "leg_weakness",
        U,
    ),
    (
        "He was told to go to the emergency department for weakness or numbness in the legs, "
        "difficulty passing urine, or a fever of 38.0 C or higher.",
        "fever",
        U,
    ),
    (
        "He understands that numbness in the saddle area, loss of bladder or bowel control, or "
        "sudden weakness of the leg requires an emergency visit.",
        "saddle_anesthesia",
        U,
    ),
    # ... not the patient's own report, nor a real reading beside them
    ("He continues to report fever, chills, or sweats every evening.", "fever", T),
    (
        "Patient returns today to report two episodes of urinary or fecal incontinence.",
        "bowel_dysfunction",
        T,
    ),
    ("Told to notify us of fever. Fever since Monday.", "fever", T),
    (
        "Brought in by wife, temp 38.9 on arrival, MRI if weakness or retention develops.",
        "fever",
        T,
    ),
    (
        "Pt called to report temperature of 38.9 this morning; nursing to report new weakness "
        "or urinary retention.",
        "fever",
        T,
    ),
    (
        "The patient understands that his leg weakness or numbness will likely persist after "
        "surgery.",
        "paresthesia",
        T,
    ),
    # vocabulary
    ("He has never been told he has cancer.", "history_of_cancer", U),
    (
        "She has never been told she has osteoporosis despite two vertebral compression fractures.",
        "osteoporosis",
        U,
    ),
    (
        "He has not been told he has metastatic prostate cancer at family request.",
        "history_of_cancer",
        T,
    ),
    ("Yellow fever vaccine is contraindicated.", "fever", U),
    ("Fever of unknown origin, 38.6 C.", "fever", T),
    (
        "He reports 11 weeks of low back pain despite anti-inflammatories.",
        "symptoms_persisting_6_weeks",
        T,
    ),
    # of two target rules on the same words, the one found first, as before
    ("Since yesterday his legs have gone weaker.", "progressive_neurologic_deficit", T),
    ("Numbness is progressive, now both feet.", "paresthesia", T),
    ("The weakness is spreading to the other leg.", "leg_weakness", T),
]


ROUND_39 = [
    # a normal sensory examination that reaches the saddle, to the clause's end
    ("Sensation is intact to light touch in the saddle area.", "saddle_anesthesia", F),
    ("Sensation intact to light touch in the legs and perineum.", "saddle_anesthesia", F),
    ("Sensation intact to light touch in the legs and perineum.", "paresthesia", F),
    ("Sensation is intact to light touch in the saddle area.", "paresthesia", U),
    ("Normal sensation in both legs and the saddle area.", "saddle_anesthesia", F),
    ("Sensation to light touch intact in S3-S5 dermatomes.", "saddle_anesthesia", F),
    ("Sensation to light touch intact in S3-S5 dermatomes.", "paresthesia", U),
    ("Sensation intact in the legs but reduced in the saddle area.", "saddle_anesthesia", T),
    ("Sensation intact in the legs except the saddle area.", "saddle_anesthesia", T),
    ("Sensation intact in the legs and saddle area was not tested.", "saddle_anesthesia", T),
    ("Sensation intact in the legs and she cannot feel the saddle area.", "saddle_anesthesia", T),
    ("Unclear whether sensation is intact in the saddle area.", "saddle_anesthesia", U),
    # a normal denied is the change ("not intact"), and a normal that no longer holds is not now
    ("Sensation not intact in the saddle area.", "saddle_anesthesia", T),
    ("Sensation is not normal in the saddle area.", "saddle_anesthesia", T),
    ("Sensation not intact including saddle.", "saddle_anesthesia", U),
    ("She no longer has saddle sensation intact.", "saddle_anesthesia", U),
    ("MDM: presentation c/w prior flares, neuro intact.", "progressive_neurologic_deficit", F),
    # a foot that slaps is a foot drop
    ("No weakness, but his foot slaps when he walks on the left.", "leg_weakness", T),
    ("Steppage gait on the right.", "leg_weakness", T),
    # a referral is no radiation; an arthritis of the spine no infection; a pressure ulcer no
    # injury; the arms' neurology nothing of the legs
    ("He declines an injection referral.", "radicular_pain", U),
    ("Ankylosing spondylitis on secukinumab.", "suspected_spinal_infection", U),
    ("SKIN: No pressure injury.", "severe_trauma", U),
    ("Upper limb neuro normal. Lower limbs not examined.", "progressive_neurologic_deficit", U),
    # a history denied is no denial of a suspicion now
    (
        "No history of osteoporosis or fragility fracture.",
        "suspected_vertebral_compression_fracture",
        U,
    ),
    ("No fragility fracture on the x-ray.", "suspected_vertebral_compression_fracture", F),
    # a question still to ask, a worry, red flags explained in brackets
    ("Ask patient about IV drug use at next visit.", "injection_drug_use", U),
    ("Worry re: metastatic disease given weight loss.", "suspected_malignancy", T),
    (
        "Red flag symptoms explained (bladder/bowel changes, saddle numbness, fevers); to "
        "return if any occur.",
        "saddle_anesthesia",
        U,
    ),
    # an instruction to call, however many words stand between "to call" and "for"
    (
        "Instructed the patient and his wife to call the surgeon or 911 for a temperature "
        "over 101 F, new leg weakness or numbness, numbness in the groin, or inability to "
        "pass urine.",
        "saddle_anesthesia",
        U,
    ),
    (
        "Instructed the patient and his wife to call the surgeon or 911 for a temperature "
        "over 101 F, new leg weakness or numbness, numbness in the groin, or inability to "
        "pass urine.",
        "fever",
        U,
    ),
    ("She was reminded to call for fever, wound drainage, or new weakness.", "fever", U),
    # a plan told after a list of denials is a clause of its own
    (
        "He had no headache, fever, or new back pain afterwards, and a second injection is "
        "planned for June.",
        "surgery_or_intervention_candidate",
        T,
    ),
    (
        "He had no headache, fever, or new back pain afterwards, and a second injection is "
        "planned for June.",
        "fever",
        F,
    ),
    # vocabulary: a shock down the shin, a crush, a loss of weight not meant, a cancer known
    ("Electric shock down the L shin into the big toe when he coughs.", "radicular_pain", T),
    ("Longstanding burning in both soles from his neuropathy.", "radicular_pain", U),
    ("Crushed between a forklift and a wall.", "severe_trauma", T),
    ("Anorexia and early satiety; unintentional loss of 5 kg.", "unexplained_weight_loss", T),
    ("Down 6 kg in 2 months on a diet, not unintentionally.", "unexplained_weight_loss", U),
    (
        "Concern for pathological fracture at T12 in context of known myeloma.",
        "history_of_cancer",
        T,
    ),
    # a third attack: a normal reads as one only at a sentence's start, to its clause's end,
    # with no deficit among its words
    ("Sensation intact to light touch S2-S5, not to pinprick.", "saddle_anesthesia", U),
    ("Sensation intact S2-S4 yesterday, now reduced.", "saddle_anesthesia", U),
    (
        "Sensation intact to light touch in S2-S5 dermatomes; decreased pinprick perianally.",
        "saddle_anesthesia",
        T,
    ),
    ("Sensation intact in the legs, dull in the saddle area.", "saddle_anesthesia", T),
    ("Loss of normal sensation in the saddle area.", "saddle_anesthesia", T),
    ("Unable to confirm normal sensation in the saddle area.", "saddle_anesthesia", T),
    ("Previously sensation intact in the saddle area.", "saddle_anesthesia", T),
    ("Sensation symmetric in the legs and saddle area.", "saddle_anesthesia", T),
    ("Perianal sensation intact (previously decreased).", "saddle_anesthesia", F),
    (
        "Denies saddle anesthesia, although he is not intact to pinprick around the anus.",
        "paresthesia",
        U,
    ),
    # ... a patient who comes to ask about a symptom has it; a query is a doubt
    (
        "Presents to ask about urinary incontinence since the fall. Denies urinary retention.",
        "bladder_dysfunction",
        T,
    ),
    ("Query re: new leg weakness; strength 5/5 on my exam.", "leg_weakness", U),
    ("Worry re: fever at home 39.5 - afebrile here.", "fever", T),
    # ... the reasons she came are no instruction; this admission is no earlier one
    (
        "Reasons for presenting: fever, back pain, or leg weakness. Afebrile in triage.",
        "fever",
        T,
    ),
    (
        "At initial presentation he reported fevers and rigors; afebrile in the department.",
        "fever",
        T,
    ),
    ("During the prior admission he had fever; afebrile today.", "fever", F),
    # ... a bound in a list is not the reading after it
    (
        "Told to go to the ED for a temperature over 101 F, rigors, or confusion; temp 102.3 F "
        "at home, afebrile in triage after Tylenol.",
        "fever",
        T,
    ),
    ("Temperature: 37.2 at triage, 38.9 on recheck.", "fever", T),
    # ... a catheter bag's output is no retention
    ("Foley catheter in place, 600 mL emptied at 0600.", "bladder_dysfunction", U),
    ("Urinary catheter bag emptied: 700 mL drained over 8 hours.", "bladder_dysfunction", U),
    # a second attack: a catheter's output is no residual, whenever it was placed
    ("Foley placed for strict I&O, 300 mL drained.", "bladder_dysfunction", U),
    ("400 mL drained via Foley overnight.", "bladder_dysfunction", U),
    # ... "reasons to return:" lists what may come, in any form
    (
        "Reasons to return: new left-sided leg weakness, fever, or bladder incontinence.",
        "leg_weakness",
        U,
    ),
    ("Reasons to return: fever; leg weakness; urinary retention.", "fever", U),
    # ... a bound has its own number: an order's parameters are no readings
    ("Notify provider for: SBP less than 90; HR greater than 120; temp 38.5 C.", "fever", U),
    ("Notify house officer if: HR > 110; Temp 38.5; SpO2 < 92%.", "fever", U),
    ("Told to call for a temp > 38.5 C, chills, or drainage; T 39.1 C.", "fever", T),
    # ... an examination of another time says nothing of now
    ("Prior exam: sensation intact in legs and saddle area.", "saddle_anesthesia", U),
    ("Expected exam: sensation intact in legs and saddle area.", "saddle_anesthesia", U),
    ("NEURO: Sensation intact in legs and saddle area.", "saddle_anesthesia", F),
    (
        "Last week in clinic strength 5/5 bilaterally; sensation intact in legs and saddle area.",
        "saddle_anesthesia",
        T,
    ),
    # ... since the last admission is after it; a loss stated as a threshold is teaching
    ("Since her last admission she has developed urinary retention.", "bladder_dysfunction", T),
    (
        "Counseled that unintentional loss of 5 kg or more warrants urgent review.",
        "unexplained_weight_loss",
        U,
    ),
    ("Down 10 lbs (dieting), denies unexplained weight loss.", "unexplained_weight_loss", F),
    # a loss in a dermatome inside a list of the sensory examination (not a disc's height)
    ("Sensation: intact L2-L4; reduced L5 on the right; intact S1.", "paresthesia", T),
    ("Decreased L5 dermatome sensation on the left.", "paresthesia", T),
    ("Disc height reduced L5; mild stenosis.", "paresthesia", U),
    ("Absent L5 on the right ankle jerk.", "paresthesia", U),
    # a misspelt temperature
    ("Chest drain inserted, 1200 mL drained.", "bladder_dysfunction", U),
    ("Tempature 101.3 orally.", "fever", T),
]

ROUND_40 = [
    # a normal of the saddle lost, or not confirmed, is no normal
    ("Loss of normal sensation around the anus.", "saddle_anesthesia", T),
    ("Unable to confirm normal feeling around the bottom.", "saddle_anesthesia", U),
    ("Normal sensation around the anus.", "saddle_anesthesia", F),
    (
        "Motor 5/5; sensation intact in the legs but reduced over the saddle area.",
        "saddle_anesthesia",
        T,
    ),
    ("Light touch no longer intact over the saddle area.", "saddle_anesthesia", U),
    ("Numbness of both legs and the saddle area since Sunday.", "saddle_anesthesia", T),
    # a fever felt (kept open, not measured); rigors
    ("Denies fever, but felt hot and shivery overnight.", "fever", U),
    ("Shaking chills this morning.", "fever", T),
    ("No shaking chills.", "fever", F),
    # a pain told as rising, or worse each day
    ("Pain scores have climbed from 3 to 8 since Monday.", "gradually_worsening_pain", T),
    ("Rising pain scores despite regular oxycodone.", "gradually_worsening_pain", T),
    ("Started a week ago and has worsened every day.", "gradually_worsening_pain", T),
    ("Pain scores not rising.", "gradually_worsening_pain", U),
    # a numbness told as progressive and spreading; a pair of grades, left/right
    ("Progressive tingling spreading up from the toes.", "paresthesia", T),
    ("Power (L/R): knee extension 5/5, EHL 5/4-.", "leg_weakness", T),
    ("Reflexes: knee 2/4, ankle 1/4.", "leg_weakness", U),
    # a drug given only for a cancer is a cancer, whatever the history says; stopping it
    # stops no cancer; a doubted cause is no work-up
    ("PMH: denies cancer. Meds: exemestane 25 mg daily.", "history_of_cancer", U),
    ("PMH: denies cancer. Meds: abiraterone, prednisolone.", "history_of_cancer", T),
    ("Stopped enzalutamide in March.", "history_of_cancer", T),
    ("Her sister takes anastrozole.", "history_of_cancer", U),
    ("Neuropathy, probably from the docetaxel.", "suspected_malignancy", U),
    ("Finished carboplatin 2 years ago.", "history_of_cancer", T),
    # a weakness's course asked about, or denied, is its course (not the pain's)
    ("Is the weakness getting worse? No, unchanged since Friday.", "leg_weakness", U),
    (
        "Is the weakness getting worse? No, unchanged since Friday.",
        "progressive_neurologic_deficit",
        F,
    ),
    ("Her weakness is not getting worse.", "gradually_worsening_pain", U),
    ("The weakness is getting worse by the hour.", "leg_weakness", T),
    # bilateral sciatica denied says nothing of sciatica in one leg
    ("Screen: bilateral sciatica - no.", "radicular_pain", U),
    ("Bilateral sciatica for a week.", "radicular_pain", T),
    # an exception to a denied radiation below the knee (radiation, not a place alone)
    ("Normal pulses except to the left foot.", "radicular_pain", U),
    ("No radiation below the knee apart from occasionally into the heel.", "radicular_pain", T),
    (
        "No numbness, and the pain radiates down the outside of the right thigh to the ankle.",
        "paresthesia",
        F,
    ),
    # a fall told in the past tense asserts itself after a list's denial (attack)
    ("Pt denies LOC, fell down a full flight of stairs at home.", "severe_trauma", T),
    ("No head injury, fell from a ladder 10 feet.", "severe_trauma", T),
    ("Never fell from a height.", "severe_trauma", F),
    # a current complaint after a history ends the history's reach
    ("History of gout, now with fever to 39.1 and back pain.", "fever", T),
    ("Hx IVDU, currently with T 38.6.", "fever", T),
    # an informant is no other experiencer; a dictation's pointer is no history
    ("Caller (wife) says he cannot pass urine since noon.", "bladder_dysfunction", T),
    (
        "Housemate found her at the foot of the stairs after she fell down a full flight.",
        "severe_trauma",
        T,
    ),
    ("History as above; he fell from a roof 3 metres yesterday.", "severe_trauma", T),
]

ROUND_41 = [
    # a spreading numbness told after a list's denial is told, not denied
    ("No urinary symptoms, numbness spreading up both legs since Monday.", "paresthesia", T),
    (
        "No fever, progressive tingling ascending from the feet.",
        "progressive_neurologic_deficit",
        T,
    ),
    ("Denies numbness spreading into the legs.", "progressive_neurologic_deficit", F),  # guard
    # ... but a verb's list denies each item (attack)
    ("Denies fever, chills, numbness spreading up the legs.", "progressive_neurologic_deficit", F),
    ("ROS negative for: fevers, tingling ascending the legs.", "progressive_neurologic_deficit", F),
    # a residual drained by an in-out catheter
    ("No urinary complaints. In-out cath drained 900 mL.", "bladder_dysfunction", T),
    # a header run on after a full stop with no space starts its own section
    (
        "PAST MEDICAL HISTORY:, Negative for cancer or HIV.PAST SURGICAL HISTORY:, L4-5 laminectomy.",
        "prior_lumbar_surgery",
        T,
    ),
    # an exception anywhere, and where it is
    ("No weakness anywhere except the left ankle dorsiflexors.", "leg_weakness", T),
    ("No numbness anywhere except the fingertips of both hands.", "paresthesia", U),
    ("No numbness except the lateral border of the left foot.", "paresthesia", T),
    # a form's saddle line
    ("Perineal: sensation intact.", "saddle_anesthesia", F),
    ("Perineal: sensation intact.", "paresthesia", U),
    ("Saddle: pinprick reduced.", "saddle_anesthesia", T),
    # not able to feel the paper when wiping
    (
        "Denies saddle numbness but is not able to feel the tissue when wiping.",
        "saddle_anesthesia",
        T,
    ),
    # either way is no denial; a doubt after what it doubts
    (
        "Possible discitis with or without an epidural abscess.",
        "suspected_spinal_epidural_abscess",
        T,
    ),
    ("Myeloma is possible; SPEP sent.", "suspected_malignancy", T),
    ("Myeloma is possible; SPEP sent.", "history_of_cancer", U),
    ("A metastatic relapse is suspected.", "suspected_malignancy", T),
    # either way is a possibility, not a finding told (attack)
    ("Referral criteria: back pain with or without saddle anaesthesia.", "saddle_anesthesia", U),
    # a doubt after what it doubts reaches that alone, not its cause (attack)
    ("Leg weakness and saddle anaesthesia; cauda equina syndrome is likely.", "leg_weakness", T),
    ("Urinary retention is likely due to opioids.", "bladder_dysfunction", T),
    # a hedge: no finding, and no suspicion raised or denied (attack)
    ("No definite cauda equina syndrome.", "suspected_cauda_equina_syndrome", U),
    # a form's saddle line read to its end, not half of it (attack)
    ("Saddle: PP intact, LT reduced on the left.", "saddle_anesthesia", U),
    # a hedge and a possibility reach a few words, not the next denial (review)
    ("No definite saddle anaesthesia, no leg weakness.", "leg_weakness", F),
    ("Back pain with or without sciatica, denies urinary retention.", "bladder_dysfunction", F),
    # leakage of stool either way round; an anastomotic leak is no incontinence (review)
    ("No leakage of stool.", "bowel_dysfunction", U),
    ("CT showed an anastomotic bowel leak.", "bowel_dysfunction", U),
    # a hedge is no denial
    ("Heel walking: no definite foot drop.", "leg_weakness", U),
    ("Denies fever, no definite saddle anaesthesia.", "saddle_anesthesia", U),
    # more relief needed every day is a worsening pain; cachexia is weight lost
    ("Says it is easing but needs more morphine every day.", "gradually_worsening_pain", T),
    ("Not needing more painkillers each day.", "gradually_worsening_pain", U),
    ("Denies weight loss; looks cachectic on inspection.", "unexplained_weight_loss", T),
    ("Well nourished, not cachectic.", "unexplained_weight_loss", U),
    ("Well nourished, non-cachectic.", "unexplained_weight_loss", U),
    ("No incontinence of urine or stool, has passive faecal leakage.", "bowel_dysfunction", T),
    # an informant who disagrees speaks of the patient
    (
        "Denies weight loss; his wife disagrees: he has lost 7 kg since May.",
        "unexplained_weight_loss",
        T,
    ),
    # both sphincters denied together; a worsening deficit named with its kinds
    ("No incontinence of urine or faeces.", "bowel_dysfunction", F),
    (
        "Rapidly worsening bilateral lower-extremity motor and sensory deficit.",
        "progressive_neurologic_deficit",
        T,
    ),
    # a denial ends before an X-ray's report
    (
        "No trauma, and the x-ray report reads: T11 wedge compression fracture.",
        "suspected_vertebral_compression_fracture",
        T,
    ),
    # a safety net's list with two places to go; a call to a place about a patient is no net
    # (a guard: the net's lead widened to any place had swallowed it)
    ("Call to urgent care for urinary retention since this morning.", "bladder_dysfunction", T),
    (
        "Call the office or go to the emergency room for fever, new leg weakness or trouble passing urine.",
        "bladder_dysfunction",
        U,
    ),
]

ROUND_42 = [
    # "no reliable examination" is no denial: a doubt after it stays a doubt
    (
        "With no reliable examination I cannot exclude a cauda equina syndrome.",
        "suspected_cauda_equina_syndrome",
        T,
    ),
    (
        "No sedation today, but with no usable examination we cannot rule out a spinal fracture.",
        "suspected_vertebral_compression_fracture",
        T,
    ),
    ("No fever, chills or night sweats that we could elicit.", "fever", F),  # guard
    # ... and what is told beside it stays told (review, attack)
    ("Urinary retention, and no reliable rectal exam.", "bladder_dysfunction", T),
    ("Intubated; no reliable exam and 3/5 dorsiflexion bilaterally.", "leg_weakness", T),
    # ... and "I" or "we" alone ends nothing (attack)
    ("He denies any of the symptoms I asked about: saddle anaesthesia.", "saddle_anesthesia", F),
    (
        "MRI: no fracture, Modic type I changes, discitis or epidural abscess.",
        "suspected_spinal_infection",
        F,
    ),
    # a denial taken back: what the patient then recalls is told
    (
        "Denies trauma, then on further questioning recalls falling 3 m from scaffolding.",
        "severe_trauma",
        T,
    ),
    ("Denies any injury, then remembers a fall from 3 metres.", "severe_trauma", T),
    # ... but a denial asked again still denies (attack)
    ("Denies on direct questioning any saddle anaesthesia.", "saddle_anesthesia", F),
    ("No acknowledged IV drug use.", "injection_drug_use", F),
    # what the patient cannot report is unknown, not denied
    ("She is intubated and cannot report numbness or weakness.", "paresthesia", U),
    ("Cannot remember when she last injected heroin.", "injection_drug_use", T),  # attack
    ("Aphasic, cannot describe any saddle numbness.", "saddle_anesthesia", U),
    # ... but what one cannot feel is a symptom
    ("He cannot feel his feet since this morning.", "paresthesia", T),
    ("Could not feel the left foot pulses.", "paresthesia", U),  # review
    ("Denies that she can not feel her legs.", "paresthesia", F),
    # a finding new since the last visit; "not present on examination" is a denial (attack)
    ("Left ankle dorsiflexion 4/5, not present at her last visit.", "leg_weakness", T),
    ("Saddle anaesthesia not present on examination.", "saddle_anesthesia", F),
    # the saddle's sensation is not the legs'
    ("Perianal pinprick intact.", "paresthesia", U),
    ("Perirectal numbness.", "paresthesia", T),  # an abnormal one still counts (review)
    ("Perianal sensation normal, legs numb below both knees.", "paresthesia", T),
    ("Denies numbness, tingling, saddle anaesthesia.", "paresthesia", F),  # guard
    ("Reduced pinprick in both hands and groins.", "paresthesia", T),
    # radiotherapy is no radiating pain
    ("He declines surgery and accepts radiation.", "radicular_pain", U),
    ("Back pain without radiation.", "radicular_pain", F),  # guard
    # inner thighs told numb; one medial thigh is a leg (attack)
    ("Her inner thighs feel numb since yesterday.", "saddle_anesthesia", T),
    ("Right medial thigh feels a bit numb, no saddle symptoms.", "saddle_anesthesia", F),
    # an instruction after another instruction
    (
        "Advised to rest and to go to the emergency department for weakness, numbness or trouble passing urine.",
        "bladder_dysfunction",
        U,
    ),
    # a sentence's last metres
    ("Fell from 4 m.", "severe_trauma", T),
]

ROUND_43 = [
    # a declined or withheld treatment is not a denied condition: "for" names what is there
    ("Declined surgery for cauda equina syndrome.", "suspected_cauda_equina_syndrome", T),
    ("Declined chemotherapy for lymphoma.", "history_of_cancer", T),
    ("Declines treatment for osteoporosis; no fever.", "osteoporosis", T),
    ("Declines treatment for osteoporosis; no fever.", "fever", F),  # guard
    ("Refuses chemotherapy for her breast cancer.", "history_of_cancer", T),
    ("Did not want surgery for his cauda equina syndrome.", "suspected_cauda_equina_syndrome", T),
    # ... and a "for" of a fear or a purpose names no condition (review)
    (
        "Pt declined surgery for fear of paralysis or loss of bladder control.",
        "bladder_dysfunction",
        U,
    ),
    # ... but a denial's list goes on past a treatment's "for" (attack)
    (
        "Denies fevers, weight loss, recent hospitalization for infection, IV drug use, or "
        "history of cancer.",
        "history_of_cancer",
        F,
    ),
    (
        "Denies prior surgery for back pain, saddle anesthesia, or urinary retention.",
        "saddle_anesthesia",
        F,
    ),
    # ... the treatment itself is still declined, and a plain list still denied (guards)
    ("Declined chemotherapy for lymphoma.", "immunocompromised", None),
    ("Declines weakness, numbness or fever.", "leg_weakness", F),
    ("Declined steroids for back pain.", "prolonged_corticosteroid_use", F),
    # a safety net told to the patient is what may come (set 43)
    (
        "Pt to call 911 or the MIH line for new leg weakness, numbness in the groin, trouble "
        "urinating, fever, or pain that is getting worse instead of better.",
        "bladder_dysfunction",
        U,
    ),
    ("Pt to call 911 or the on-call line for new leg weakness or fever.", "fever", U),
    # a household is no relative's illness; a relative's own is (guard)
    (
        "A man with a stroke that left a dense left hemiparesis, who has lived with his "
        "daughter since.",
        "leg_weakness",
        T,
    ),
    (
        "He lives with his girlfriend, who is an IV drug user.  He denies using drugs himself.",
        "injection_drug_use",
        F,
    ),
    # every sarcoma and carcinoma is a cancer, in words of their own
    ("Dermatofibrosarcoma protuberans, lower back, biopsy-proven.", "history_of_cancer", T),
    ("No history of carcinoma.", "history_of_cancer", F),  # guard
    # a header with a date in parentheses ends the section before it
    (
        "PAST MEDICAL HISTORY:,  Stroke.,EXAMINATION (10/21):,  Strength in the right leg 4/5.",
        "leg_weakness",
        T,
    ),
    # an intervention named before "candidate"
    ("ESI candidate: Y. Surgical candidate: N.", "surgery_or_intervention_candidate", T),
    # a fracture from little force is a fragility fracture (findings.yaml: osteoporosis) ...
    ("No h/o osteoporosis but has had two low-trauma wrist fractures.", "osteoporosis", T),
    ("No low-trauma fractures.", "osteoporosis", U),  # ... and denied, it denies no diagnosis
    # "sensory loss" on examination is numbness (its denial was already one)
    (
        "Denies tingling. On exam, stocking distribution sensory loss to mid-shin bilaterally.",
        "paresthesia",
        T,
    ),
    ("No sensory deficit or loss.", "paresthesia", F),  # guard
    # a deficit told as progressing or new after a one-item denial is told (review: not when
    # the sentence goes on as a list)
    ("No fever, progressive weakness in both legs.", "progressive_neurologic_deficit", T),
    ("No fever, rapidly progressive weakness in both legs.", "leg_weakness", T),
    ("No urinary retention, new numbness in the left foot.", "paresthesia", T),
    ("No fever, new weakness, numbness, or incontinence.", "paresthesia", F),
    ("No fever, progressive weakness in both legs, numbness, or incontinence.", "paresthesia", F),
    ("No fever, new weakness and numbness.", "paresthesia", F),
    ("No fever, chills, progressive weakness.", "progressive_neurologic_deficit", F),
    # the attack's: a household's relative with an illness of their own ...
    ("Lives with her mother with metastatic breast cancer.", "history_of_cancer", U),
    # ... a call for the patient's own care ...
    (
        "Pt to call the MIH line for refill of oxycodone for his prostate cancer pain.",
        "history_of_cancer",
        T,
    ),
    # ... a non-operative candidate, a fall without a fracture, a vertebra's low-trauma fracture
    ("Neurosurgery: non-operative candidate at this time.", "surgery_or_intervention_candidate", U),
    ("Low-trauma fall without fracture.", "osteoporosis", U),
    (
        "Low-trauma vertebral fractures at T11 and L1.",
        "suspected_vertebral_compression_fracture",
        T,
    ),
]

ROUND_44 = [
    # "not on" denies a treatment, not what it is for when that is named as the patient's
    ("Not on chemotherapy for her breast cancer.", "history_of_cancer", T),
    ("Not on chemotherapy for her breast cancer.", "immunocompromised", None),  # guard
    # ... not "for" a thing with no owner, nor a duration (attack)
    ("Not on any treatment for HIV because he is HIV negative.", "immunocompromised", U),
    ("Not on any medication for fever, and no cancer history.", "history_of_cancer", F),
    # a one-item denial's list told with commas alone stays denied (attack)
    ("No fever, new weakness, numbness, incontinence.", "paresthesia", F),
    ("No fever, new weakness, numbness, or incontinence.", "paresthesia", F),
    # a daily steroid told beside a generic denial may be a long course: not absent (set 44b)
    (
        "She is not on any steroids now, but took prednisone 20 mg daily for her asthma from "
        "January through June this year.",
        "prolonged_corticosteroid_use",
        U,
    ),
    (
        "Denies steroid use, but the pharmacy fill history shows prednisone 5 mg daily "
        "continuously since 2022.",
        "prolonged_corticosteroid_use",
        U,
    ),
    # ... not one placed in a past year, ended on a date, short or only planned (guards)
    (
        "She was treated with prednisone 20 mg daily for about 4 months in 2024, tapered off by "
        "February 2025, and she has taken no steroids since.",
        "prolonged_corticosteroid_use",
        F,
    ),
    (
        "Denies steroid use. Prednisone 20 mg daily ordered for the next 5 days.",
        "prolonged_corticosteroid_use",
        F,
    ),
    (
        "Prednisone taper in March for COPD; no long-term steroids.",
        "prolonged_corticosteroid_use",
        F,
    ),
    (
        "Not on any steroids now, but prednisone 5 mg daily started in 2019.",
        "prolonged_corticosteroid_use",
        U,
    ),
    # a finding the patient has, in a sentence that denies a simpler cause (review)
    (
        "I do not think this represents a simple strain given saddle anesthesia and urinary "
        "retention.",
        "saddle_anesthesia",
        T,
    ),
    # a microbe's hyphened kind denies nothing before it (set 44) ...
    (
        "Vancomycin is appropriate empiric therapy for a postoperative spinal infection, covering "
        "MRSA and coagulase-negative staphylococci.",
        "suspected_spinal_infection",
        T,
    ),
    # ... and still ends a denial's reach, as the dash's denial did (attack)
    (
        "No active triple-negative breast cancer; completed treatment in 2021.",
        "history_of_cancer",
        T,
    ),
    (
        "No organism identified in her culture-negative epidural abscess.",
        "suspected_spinal_epidural_abscess",
        T,
    ),
    ("Fever - negative.", "fever", F),  # guard
    # a Tuohy needle is an epidural done (set 44); denied, it denies no spinal anaesthetic
    (
        "PROCEDURE:,  Time-out performed.  17 gauge Tuohy needle, loss of resistance to saline at "
        "7 cm.  No previous back surgery or injections.",
        "recent_spinal_procedure",
        T,
    ),
    ("ANESTHESIA: Spinal anesthetic. No Tuohy needle.", "recent_spinal_procedure", U),
    ("Femoral nerve catheter placed via 18G Tuohy needle.", "recent_spinal_procedure", U),
    (
        "Femoral block and lumbar epidural placed using a Tuohy needle yesterday.",
        "recent_spinal_procedure",
        T,
    ),
    # a sensory loss excepted from an intact examination of both legs (set 44b) ...
    (
        "Sensation intact to light touch throughout the bilateral lower extremities except "
        "decreased over the dorsum of the left foot.",
        "paresthesia",
        T,
    ),
    # ... not a weakness excepted there (attack on the draft)
    (
        "Sensation intact in both lower extremities except left EHL 4/5, otherwise strength 5/5 "
        "throughout.",
        "leg_weakness",
        T,
    ),
    (
        "Sensation intact in both lower extremities except decreased left foot dorsiflexion.",
        "paresthesia",
        F,
    ),
    # a denied diagnosis still being worked up is still suspected (set 44b) ...
    (
        "No evidence of cauda equina syndrome on exam, but MRI ordered tonight to exclude it "
        "given bilateral sciatica.",
        "suspected_cauda_equina_syndrome",
        T,
    ),
    # ... not when no work-up is needed, it is done, or it waits on a condition (attack)
    (
        "No evidence of cauda equina syndrome, but there is no need to rule it out with imaging.",
        "suspected_cauda_equina_syndrome",
        F,
    ),
    (
        "No features of CES, but MRI ordered to rule it out; MRI showed no compression.",
        "suspected_cauda_equina_syndrome",
        F,
    ),
    (
        "No CES, but will get an MRI to rule it out if retention develops.",
        "suspected_cauda_equina_syndrome",
        F,
    ),
    # "able to raise both legs" is strength; "not able to lift his leg" is weakness
    ("Able to raise both legs against gravity.", "leg_weakness", U),
    ("He is not able to raise either leg against gravity.", "leg_weakness", T),
    ("Unable to lift the left leg off the bed.", "leg_weakness", T),
    # "I do not think this is ..." reaches up to a reason given, not into it (review)
    (
        "I do not think this is a simple strain given saddle anesthesia and urinary retention.",
        "saddle_anesthesia",
        T,
    ),
    (
        "I do not think there is cauda equina syndrome given normal rectal tone.",
        "suspected_cauda_equina_syndrome",
        F,
    ),
    # a denial of a candidacy for two interventions at once (set 44b)
    ("Not a candidate for surgery or spinal injection.", "surgery_or_intervention_candidate", F),
    # a drug stopped, told first: the word after "Stopped" only (review)
    (
        "Stopped methotrexate 2 years ago; currently on no immunosuppressants.",
        "immunocompromised",
        U,
    ),
    ("Stopped prednisone for methotrexate.", "immunocompromised", T),
    ("Recently completed chemotherapy for lymphoma.", "immunocompromised", T),  # guard
    # a relative telling of the patient, their parent or spouse, tells the patient's (set 44b)
    (
        "Daughter states her mother has lost a lot of weight over the past few months without "
        "trying.",
        "unexplained_weight_loss",
        T,
    ),
    (
        "His son mentions that his father lost control of his bowels in the car on the way here.",
        "bowel_dysfunction",
        T,
    ),
    (
        "Wife reports her husband has been incontinent of urine since last night.",
        "bladder_dysfunction",
        T,
    ),
    ("Her daughter has breast cancer.", "history_of_cancer", U),  # guard
    ("Mother had breast cancer.", "history_of_cancer", U),  # guard
    # words clinicians write (set 44b): a brand of a biologic, "microD", "road rash"
    ("On Humira for Crohn's disease since 2021.", "immunocompromised", T),
    ("Hx L5-S1 MIS microD 2021.", "prior_lumbar_surgery", T),
    ("Road rash over the lower back after a motorcycle crash.", "contusion_or_abrasion", T),
    # a disease named in a test is no fever (set 44)
    ("Q fever and Bartonella serologies sent.", "fever", U),
    ("Fever and rigors since Monday; Q fever serology sent.", "fever", T),  # guard
]


ROUND_45 = [
    # what a treatment is for, named as the patient's, does not end a denial's list (guards from
    # an attack and a review of a draft that let "for her" end any denial)
    ("No fever for her entire stay, no chills.", "fever", F),
    ("Not on any treatment for HIV because he is HIV negative.", "immunocompromised", U),
    (
        "No red flag symptoms for her back pain such as saddle anesthesia, fever, or weight loss.",
        "saddle_anesthesia",
        F,
    ),
    ("Denies taking anything for his pain or any fevers, chills, numbness.", "fever", F),
    ("Not taking anything for his pain, fevers to 102 at home.", "fever", T),
    # a double negation; a drug that cannot be tapered goes on; a past normal (set 45b)
    (
        "Not without residual deficit: the lateral R foot is still numb at discharge.",
        "paresthesia",
        T,
    ),
    (
        "Has not been able to taper below prednisone 10 mg for over a year.",
        "prolonged_corticosteroid_use",
        T,
    ),
    ("New fecal incontinence x2 days, previously fully continent.", "bowel_dysfunction", T),
    ("Previously continent, now incontinent of urine.", "bladder_dysfunction", T),  # guard
    ("Saddle region previously intact, no saddle anesthesia today.", "saddle_anesthesia", F),
    # the saddle in a patient's words, quoted (set 45b)
    (
        "Reports her bottom 'feels numb' when sitting on the toilet, though S2-S4 pinprick is "
        "intact on exam today.",
        "saddle_anesthesia",
        T,
    ),
    # the spine surgery team, not an operation (set 45) ...
    ("Spine surgery was consulted.", "prior_lumbar_surgery", U),
    ("Spine surgery has been asked to see him about kyphoplasty of L1.", "prior_lumbar_surgery", U),
    (
        "The inpatient team will call spine surgery for any new weakness, numbness, or bladder "
        "problem.",
        "prior_lumbar_surgery",
        U,
    ),
    # ... and the operation still (guards; attack)
    ("He had spine surgery in 2012.", "prior_lumbar_surgery", T),
    ("Patient was informed spine surgery is recommended.", "surgery_or_intervention_candidate", T),
    ("Spine surgery was following him after his 2019 fusion.", "prior_lumbar_surgery", T),
    # a return instruction with words between (set 45)
    (
        "He was told to come back at once for fever, arm swelling, or new weakness or numbness "
        "in the legs.",
        "leg_weakness",
        U,
    ),
    (
        "Told to come back or see his primary doctor for fever, new leg weakness or numbness, or "
        "trouble passing urine.",
        "bladder_dysfunction",
        U,
    ),
    # ... not a patient's own reason to come (guards; attack)
    ("She decided to come to the ER for new urinary incontinence.", "bladder_dysfunction", T),
    ("He was able to get back to work for a week before the foot drop began.", "leg_weakness", T),
    # ... and one in a dictated note's numbered item, after the spaces that open it (set 45)
    (
        "Repeat FEES in 5 to 7 days.,6.  Notify the team for fever, a new oxygen requirement, or "
        "a wet cough.",
        "fever",
        U,
    ),
    ("He has fever.  Any saddle anesthesia is denied.", "saddle_anesthesia", F),  # guard (attack)
    # a temperature "or higher" in a rule is a bound, not a reading (set 45)
    (
        "Call or come to the ED for a temperature of 101 F or higher, pain not controlled by the "
        "medication, or inability to urinate.",
        "fever",
        U,
    ),
    ("Vitals: T 38.9 or higher x2, HR 110.", "fever", T),  # guard (attack)
    ("Temp 38.5 or above at home; per daughter.", "fever", T),  # guard (review)
    ("Temperature of 101 F this morning.", "fever", T),  # guard
    ("The wound healed without infection, drainage or fever.", "fever", F),  # guard
    # a treatment decided against denies nothing after it (set 45; the attack's lines)
    (
        "Injuries: a grade II splenic laceration managed without surgery, and an L1 compression "
        "fracture with 25 percent loss of height.",
        "suspected_vertebral_compression_fracture",
        T,
    ),
    ("Managed without surgery given progressive leg weakness.", "leg_weakness", T),
    ("Treated conservatively without resolution of urinary retention.", "bladder_dysfunction", T),
]

ROUND_46 = [
    # a treatment denied for a condition named as the patient's denies the treatment (round 45's
    # leftovers) ...
    ("No chemotherapy for her lymphoma.", "history_of_cancer", T),
    ("Denies taking anything for his fever.", "fever", T),
    ("No chemotherapy or radiation for her breast cancer.", "history_of_cancer", T),
    ("No chemotherapy or radiation for her breast cancer.", "radicular_pain", U),
    # ... not a history denied without one, nor a list that goes on (guards)
    ("Denies treatment for cancer.", "history_of_cancer", F),
    ("Denies taking anything for his pain or any fevers, chills, numbness.", "fever", F),
    ("No treatment for his pain, fever, or numbness was needed.", "fever", F),
    ("Pain without radiation for the past week.", "radicular_pain", F),
    # double negations and a pseudo-negation (set 46b)
    ("She does not deny some altered sensation when wiping.", "saddle_anesthesia", T),
    (
        "She was not free of the left-sided sciatica at discharge, though it had eased.",
        "radicular_pain",
        T,
    ),
    (
        "Not only was there reduced sensation over the buttocks and perineum on admission, but "
        "her post-void residual was 650 mL.",
        "saddle_anesthesia",
        T,
    ),
    # the writer's own clause after a denial (set 46b)
    (
        "Although she has no saddle anaesthesia, I am concerned that this could be an evolving "
        "cauda equina and have sent her to A&E.",
        "suspected_cauda_equina_syndrome",
        T,
    ),
    ("Although she has no saddle anaesthesia, I am concerned.", "saddle_anesthesia", F),  # guard
    # "nil" item by item, then a finding (set 46b)
    (
        "Spine: nil step, nil deformity, nil midline tenderness, grazes across lumbar region.",
        "contusion_or_abrasion",
        T,
    ),
    ("Nil fever, nil weakness.", "leg_weakness", F),  # guard
    # prophylaxis names what it prevents, close before it (set 46b)
    (
        "Received dexamethasone 8 mg IV at induction for PONV prophylaxis.",
        "prolonged_corticosteroid_use",
        U,
    ),
    # incontinence denied is not every change of function (set 46b)
    ("Denies incontinence of bladder or bowel, ambulant on scene.", "bladder_dysfunction", U),
    ("Denies incontinence of bladder or bowel, ambulant on scene.", "bowel_dysfunction", F),
    # a cue after "has" (set 46b; found on the way)
    ("She has denied any fever.", "fever", F),
    # a form's answer (set 46b)
    ("Substance use: IV drug use - Never   Alcohol - Occasional", "injection_drug_use", F),
    # a disc biopsy told the other way round (set 46)
    (
        "CT-guided percutaneous aspiration and core biopsy of the L2-L3 disc space was performed "
        "today.",
        "recent_spinal_procedure",
        T,
    ),
    # Indian English and other words (set 46b)
    ("Her DEXA scan shows T score of minus 2.8 at spine.", "osteoporosis", T),
    (
        "Patient is having loss of weight of around 6 kg in last 3 months.",
        "unexplained_weight_loss",
        T,
    ),
    ("Burning and ant crawling sensation in both soles since 3 weeks.", "paresthesia", T),
    (
        "She is taking tablet Wysolone 10 mg daily since last 1 year.",
        "prolonged_corticosteroid_use",
        T,
    ),
    ("Patient is willing for surgery, posted for discectomy on Monday.", "prior_lumbar_surgery", U),
    ("Patient was operated for disc prolapse in lower back in 2015.", "prior_lumbar_surgery", T),
    ("He had surgery for a herniated disc in 2015.", "prior_lumbar_surgery", T),
    ("He had surgery for a cervical herniated disc in 2015.", "prior_lumbar_surgery", U),  # guard
    ("He negates fever, negates loss of weight.", "unexplained_weight_loss", F),
    (
        "He has had to strain to start his urinary stream for the past 3 days.",
        "bladder_dysfunction",
        T,
    ),
    ("Pt c/o R leg 'gone dead' from knee down.", "paresthesia", T),
    (
        "She was found to have a dorsal epidural collection at L4 consistent with abscess.",
        "suspected_spinal_epidural_abscess",
        T,
    ),
    (
        "She denies any back pain as such but has a constant burning pain from her right buttock "
        "into the shin.",
        "radicular_pain",
        T,
    ),
    # strength that did not come back is no normal strength (set 46b)
    ("Her strength did not return to normal.", "leg_weakness", U),
    (
        "Her strength did not return to normal, with residual 4-/5 left dorsiflexion at discharge.",
        "leg_weakness",
        T,
    ),
    ("Strength is normal.", "leg_weakness", F),  # guard
    # guards from the attack on the draft
    ("Denies taking anything for her pain, fevers, chills.", "fever", F),
    (
        "Has not had any treatment for his sciatica, including injections or lumbar surgery.",
        "prior_lumbar_surgery",
        F,
    ),
    ("Denies fever and has possible discitis on MRI.", "suspected_spinal_infection", T),
    ("No numbness, has ? cauda equina.", "suspected_cauda_equina_syndrome", T),
    ("She has denied fevers at home, temp today 38.8.", "fever", T),
    ("Pain radiating to L leg, nil numbness, tingling, weakness.", "paresthesia", F),
    ("On HIV pre-exposure prophylaxis (PrEP), no other medications.", "immunocompromised", U),
    ("She doesn't deny fevers at night.", "fever", T),
    ("Has not been free of fever since Tuesday.", "fever", T),
    ("Patient is not free from urinary retention.", "bladder_dysfunction", T),
    (
        "No saddle anesthesia, we are not worried about cauda equina syndrome.",
        "suspected_cauda_equina_syndrome",
        F,
    ),
    (
        "Denies saddle anaesthesia, bladder or bowel dysfunction, we have discussed warning signs.",
        "bladder_dysfunction",
        F,
    ),
    ("Chemotherapy cycle 4 was cancelled because of fever.", "immunocompromised", T),
    # guards from the review of the narrowed draft
    ("T-score minus\u00a02.8 at L1.", "osteoporosis", T),  # a crash on the draft
    ("T-score -\u00a02.8 at L1.", "osteoporosis", T),  # a crash before it
    ("Radiation for lymphoma.", "history_of_cancer", T),
    ("s/p radiation for myeloma.", "history_of_cancer", T),
    ("No loss of weight bearing ability.", "unexplained_weight_loss", U),
    ("Fever returned to normal, afebrile now.", "fever", F),
    ("He did not deny any falls.", "severe_trauma", U),
    ("Temp now 36.8, was 38.9 yesterday.", "fever", T),
    ("Temp 36.8, was 38.9 yesterday.", "fever", T),  # base too
    ("Temp now 37.2 after paracetamol, 39.1 at home.", "fever", T),
    ("Tactile hallucinations (formication) during alcohol withdrawal.", "paresthesia", U),
]

ROUND_47 = [
    # a finding's own "negative" still denies it, and a denied history (guards)
    ("Numbness was negative on review of systems.", "paresthesia", F),
    ("Fevers were negative on review of systems.", "fever", F),
    # a drug before "prophylaxis" names what is given, not what is prevented
    ("Chemotherapy for lymphoma with antiviral prophylaxis.", "history_of_cancer", T),
    ("Fever 38.9 despite antibiotic prophylaxis.", "fever", T),
    ("Myeloma on lenalidomide with aspirin prophylaxis.", "history_of_cancer", T),
    # an exception after the legs named
    (
        "Sensation intact throughout both legs except the dorsum of the left foot.",
        "paresthesia",
        T,
    ),
    (
        "Sensation intact in the lower extremities bilaterally except the lateral right calf.",
        "paresthesia",
        T,
    ),
    ("Sensation intact in both legs.", "paresthesia", F),
    # what the patient knows to come back for is an instruction
    (
        "She knows to seek care at once for fever, new weakness or numbness, or trouble with "
        "her bladder.",
        "fever",
        U,
    ),
    ("He understands to return for new leg weakness.", "leg_weakness", U),
    # a denied improvement leaves the complaint
    ("Denies any improvement in the numbness of the right foot.", "paresthesia", T),
    ("Denies numbness, reports improvement in the back pain.", "paresthesia", F),
    # radiation told from where it starts, sides and parts abbreviated
    ("Pain shooting from his back down the R leg.", "radicular_pain", T),
    ("Nil leg pain on R; L leg pain to lat calf, worse sitting.", "radicular_pain", T),
    ("Burning pain in the L lower back, wrapping round to the groin.", "radicular_pain", U),
    # a limb's fragility fracture is osteoporosis, not a vertebral fracture
    ("Fragility fracture of the right wrist in 2019.", "osteoporosis", T),
    (
        "Fragility fracture of the right wrist in 2019.",
        "suspected_vertebral_compression_fracture",
        U,
    ),
    ("Left hip fragility fracture after a fall from standing.", "osteoporosis", T),
    # words: leakage, stool passed unawares, a bruise's colour, HIV
    ("Reports new urinary leakage since the pain began.", "bladder_dysfunction", T),
    ("Urine leakage with coughing for twenty years, unchanged.", "bladder_dysfunction", U),
    ("Stool is coming out without his knowledge since two days.", "bowel_dysfunction", T),
    ("Soiled linen changed.", "bowel_dysfunction", U),
    ("Known RVD patient on HAART for 6 years.", "immunocompromised", T),
    ("On antiretroviral therapy since 2015.", "immunocompromised", T),
    ("RVD status: non-reactive.", "immunocompromised", U),
    # a deficit told against an earlier time
    ("Left leg weaker compared to yesterday.", "progressive_neurologic_deficit", T),
    ("Left leg weaker compared to the right.", "progressive_neurologic_deficit", U),
    ("Left EHL decreased from 4/5 to 2/5 since admission.", "progressive_neurologic_deficit", T),
    ("Grip decreased from 4/5 to 3/5.", "progressive_neurologic_deficit", U),
    # a reading's source is no rule
    (
        "Pt's weight 48 kg, was 54 kg 2 months ago per chart, eating poorly.",
        "unexplained_weight_loss",
        T,
    ),
    ("Treat per guidelines if temp above 38.5.", "fever", U),
    # strength grades told a time apart: a later, lower grade is a deficit that progresses
    ("L ankle DF 4/5 at 0800, now 2/5 at 1400.", "progressive_neurologic_deficit", T),
    (
        "Ankle dorsiflexion was 4/5 in November and 3/5 at the preoperative visit.",
        "progressive_neurologic_deficit",
        T,
    ),
    ("EHL 5/5 on admission, now 4/5.", "leg_weakness", T),
    ("EHL 5/5 on admission, now 4/5.", "progressive_neurologic_deficit", T),
    ("Hip flexion 4/5 on the left and 3/5 on the right.", "progressive_neurologic_deficit", U),
    ("DF 3/5 yesterday, 4/5 today.", "progressive_neurologic_deficit", U),
    ("Grip 4/5 yesterday, 3/5 today.", "progressive_neurologic_deficit", U),
    # a steroid course's length in brackets
    ("On prednisolone 7.5 mg daily since June (8 months).", "prolonged_corticosteroid_use", T),
    ("On prednisone since last week (5 days).", "prolonged_corticosteroid_use", U),
    # a spinal metastasis by level, a spinal tumour suspected, a benign one not
    ("Oncology reviewed: L2 metastasis from prostate cancer.", "suspected_malignancy", T),
    ("Workup for possible spinal tumor per MD.", "suspected_malignancy", T),
    ("She had a benign spinal tumor removed as a child.", "suspected_malignancy", U),
    # an intervention wished for, planned or decided against
    (
        "Pt not opposed to an ESI if the MRI shows a matching lesion.",
        "surgery_or_intervention_candidate",
        T,
    ),
    ("Pt not opposed to an ESI if the MRI shows a matching lesion.", "recent_spinal_procedure", U),
    (
        "Warfarin to be held 5 days before the planned lumbar ESI.",
        "surgery_or_intervention_candidate",
        T,
    ),
    ("Warfarin to be held 5 days before the planned lumbar ESI.", "recent_spinal_procedure", U),
    (
        "Not keen on back surgery or spinal injections; wishes to continue conservative care.",
        "surgery_or_intervention_candidate",
        F,
    ),
    (
        "Not keen on back surgery or spinal injections; wishes to continue conservative care.",
        "prior_lumbar_surgery",
        U,
    ),
    ("No back surgery or spinal injections.", "prior_lumbar_surgery", F),
    # a relative's place is where the patient was
    (
        "She fell down the full flight of basement stairs at her daughter's house.",
        "severe_trauma",
        T,
    ),
    ("His daughter's fever has resolved.", "fever", U),
    # the modality before its loss, in the saddle
    (
        "Pinprick is reduced over the left buttock and the left perianal skin.",
        "saddle_anesthesia",
        T,
    ),
    # guards from the round's attack and review
    ("History of back surgery was negative.", "prior_lumbar_surgery", F),
    ("Underwent the planned L4-5 microdiscectomy 3 days ago.", "recent_spinal_procedure", T),
    ("Denies any relief, fevers, chills, or weight loss.", "fever", F),
    ("HIV antiviral prophylaxis after a needlestick injury.", "immunocompromised", U),
    ("Sensation intact in both legs but reflexes diminished at both ankles.", "paresthesia", F),
    ("Sensation intact in both legs except the left hand.", "paresthesia", F),
    ("EHL went from 3/5 to 4/5 after decompression.", "progressive_neurologic_deficit", U),
    ("Elbow flexion decreased from 5/5 to 4/5.", "progressive_neurologic_deficit", U),
    ("Intradural spinal tumor, likely meningioma.", "suspected_malignancy", U),
    ("T1 metastatic survey negative.", "suspected_malignancy", U),
    ("Her husband's business closed after his cancer diagnosis.", "history_of_cancer", U),
    ("Light touch decreased on the left and the perineum was normal.", "paresthesia", T),
    ("Took antiretrovirals for 28 days as PEP after a needlestick.", "immunocompromised", U),
    (
        "Patient understood she must report her incontinence since yesterday.",
        "bladder_dysfunction",
        T,
    ),
]

ROUND_48 = [
    # a grade's time between the muscle and the grade
    ("Ankle dorsiflexion now 2/5 on the left.", "leg_weakness", T),
    ("Right quads are currently 4-/5.", "leg_weakness", T),
    ("EHL presently 5/5 bilaterally.", "leg_weakness", F),
    # grades told latest first
    ("L EHL 3/5 today, was 4/5 yesterday.", "progressive_neurologic_deficit", T),
    ("Dorsiflexion now 2/5 (4/5 on admission).", "progressive_neurologic_deficit", T),
    ("Hip flexion now 3/5, previously 4/5.", "progressive_neurologic_deficit", T),
    ("EHL now 4/5, was 3/5 yesterday.", "progressive_neurologic_deficit", U),
    ("EHL 3/5 now, 4/5 on the right.", "progressive_neurologic_deficit", U),
    ("Grip now 3/5, was 4/5 yesterday.", "progressive_neurologic_deficit", U),
    # return precautions under their own heading
    (
        "Pain 6/10.,RETURN TO THE EMERGENCY DEPARTMENT OR CALL 911 IF:,1.  Your legs become weak "
        "or numb.,2.  You cannot control your bladder or bowels.,3.  You develop a fever.,"
        "FOLLOW UP:,  Primary care within 1 week.",
        "fever",
        U,
    ),
    (
        "Diagnosis: back strain. When to seek help: fever, weakness in the legs, numbness in the "
        "groin. Plan: ibuprofen.",
        "saddle_anesthesia",
        U,
    ),
    ("Safety: no falls at home. Fever 38.6 today.", "fever", T),
    # a denial of continence only
    ("She has no problems with bladder control.", "bladder_dysfunction", U),
    ("Problems with bladder control since Monday.", "bladder_dysfunction", T),
    # the team, not an operation
    (
        "Spine surgery (Dr Okafor) recommends fixation from L1 to L3 within 24 hours.",
        "prior_lumbar_surgery",
        U,
    ),
    ("Orthopedic surgery advised bracing.", "prior_lumbar_surgery", U),
    # a list's denial does not reach a phrase that asserts itself, after "including" too
    (
        "Negative for fever, symptoms including unable to void since this morning.",
        "bladder_dysfunction",
        T,
    ),
    ("Denies fever, injected heroin last night.", "injection_drug_use", T),
    # a refusal told after the offer
    ("IR offered kyphoplasty; she declined.", "surgery_or_intervention_candidate", F),
    ("Kyphoplasty was offered and declined.", "surgery_or_intervention_candidate", F),
    ("Offered ESI, declined surgery.", "surgery_or_intervention_candidate", T),
    ("Fever 38.6. Offered paracetamol, she declined.", "fever", T),
    # a denial stops at the event after it
    ("No LOC after the RTA 2 days back.", "severe_trauma", T),
    ("No LOC following the fall from a ladder.", "severe_trauma", T),
    ("No fever after the epidural steroid injection yesterday.", "recent_spinal_procedure", T),
    ("No fever after the epidural steroid injection yesterday.", "fever", F),
    ("No complications after his L4/5 decompression in 2018.", "prior_lumbar_surgery", T),
    ("No post-operative fever or wound infection.", "fever", F),
    ("Possible compression fracture after a fall from height.", "severe_trauma", T),
    # a spike is a reading
    ("Afebrile except a spike to 38.9 last night.", "fever", T),
    ("Afebrile through the shift apart from one spike of 38.5 at 0200.", "fever", T),
    # no complaints of
    ("No c/o fever or chills.", "fever", F),
    ("Pt c/o fever since yesterday.", "fever", T),
    ("No c/o urinary retention or incontinence.", "bladder_dysfunction", F),
    # what may come
    ("Oncology may start chemotherapy next month.", "immunocompromised", U),
    ("Might begin chemotherapy after the scan.", "immunocompromised", U),
    # French and Spanish negations before English words
    ("Pas de fever, pas de weight loss.", "fever", F),
    ("Niega fever.", "fever", F),
    # a denial taken back
    ("He no longer denies injecting heroin.", "injection_drug_use", T),
    # a long steroid course
    (
        "On prednisolone for his lungs for the past year, 10 mg a day.",
        "prolonged_corticosteroid_use",
        T,
    ),
    ("Back pain for the past year; on prednisone for 5 days.", "prolonged_corticosteroid_use", U),
    ("Not on prednisone for the past year.", "prolonged_corticosteroid_use", F),
    # guards from the round's attack
    (
        "Denies any numbness after the fall, weakness, or bowel incontinence.",
        "bowel_dysfunction",
        F,
    ),
    (
        "Return if: any new symptoms. On exam today he has saddle anaesthesia.",
        "saddle_anesthesia",
        T,
    ),
    (
        "Return to the ED if: any new symptoms. On exam today he has saddle anaesthesia.",
        "saddle_anesthesia",
        T,
    ),
    ("Come in for: wound check. Fever 38.5 today.", "fever", T),
    ("No spikes of 38 or higher since admission.", "fever", U),
    ("Blood sugar spike to 101 overnight.", "fever", U),
    ("On steroid bursts for asthma over the past year.", "prolonged_corticosteroid_use", U),
    (
        "Left hip flexion today 4/5 and right hip flexion 5/5, both unchanged since admission.",
        "progressive_neurologic_deficit",
        F,
    ),
    (
        "Previous discectomy in 2018, and now offered revision, he refuses.",
        "prior_lumbar_surgery",
        T,
    ),
    ("Dr. Nie reviewed, fever 38.9.", "fever", T),
    ("Pas de fever mais numbness in both feet.", "paresthesia", T),
    ("Spinal surgery is recommended.", "surgery_or_intervention_candidate", T),
    ("Teammates carried him off; now unable to move his legs.", "leg_weakness", T),
    ("Had an L4-5 fusion in 2016; seen in clinic on Monday.", "recent_spinal_procedure", U),
    ("POD 3 after L4-5 laminectomy, rehab offered but he declined.", "recent_spinal_procedure", T),
    ("Was on prednisone for a week during the past year.", "prolonged_corticosteroid_use", U),
    (
        "Hip flexion now 4/5 on the right and 5/5 on the left, same as at admission.",
        "progressive_neurologic_deficit",
        F,
    ),
    ("L DF now 4/5 and R DF 5/5 as on arrival.", "progressive_neurologic_deficit", U),
    (
        "Call the spine clinic if: numbness spreads; she currently has numbness in both feet.",
        "paresthesia",
        T,
    ),
]

ROUND_49 = [
    # "Ex:" heads an examination; "ex" before a word is former
    ("Hx: no numbness. Ex: reduced LT & PP L5 dermatome on the L.", "paresthesia", T),
    ("Ex: 4/5 EHL on the left.", "leg_weakness", T),
    ("Ex-IVDU, clean 8 years.", "injection_drug_use", U),
    ("Ex IVDU.", "injection_drug_use", U),
    # an imaging protocol is no denial
    (
        "Appeal: MRI lumbar spine without and with contrast, and L5-S1 epidural steroid injection.",
        "recent_spinal_procedure",
        U,
    ),
    (
        "MRI w/ and w/o contrast. Epidural steroid injection last week.",
        "recent_spinal_procedure",
        T,
    ),
    ("MRI without contrast, no cauda equina compression.", "suspected_cauda_equina_syndrome", F),
    # "and with" opens a clause that has
    ("He came in without fever and with new weakness in the left leg.", "leg_weakness", T),
    ("Without fever and with weakness of the leg.", "fever", F),
    ("No fever and with no numbness.", "paresthesia", F),
    # a patient who cannot tell about a finding
    ("She cannot tell me about numbness reliably.", "paresthesia", U),
    ("Unable to tell us about bladder retention.", "bladder_dysfunction", U),
    ("He could tell me about his numbness.", "paresthesia", T),
    ("He can't tell me about fever, denies numbness.", "paresthesia", F),
]

ALL_CASES = (
    NEGATION_SCOPE + WEAK_CUES + EXCEPTIONS + EXAMINATION + UNCERTAINTY + OTHERS_AND_ELSEWHERE
    + VOCABULARY + KEPT_OPEN + ROUND_14 + ROUND_15 + ROUND_16 + ROUND_17 + ROUND_18 + ROUND_19
    + ROUND_19_SET + ROUND_20 + ROUND_20_SET + ROUND_21 + ROUND_22 + ROUND_23
    + ROUND_24 + ROUND_24_SET + ROUND_24_REVIEW
    + ROUND_25 + ROUND_26 + ROUND_27 + ROUND_28 + ROUND_29 + ROUND_30 + ROUND_31 + ROUND_32
    + ROUND_33 + ROUND_34 + ROUND_35 + ROUND_36 + ROUND_37 + ROUND_38 + ROUND_39 + ROUND_40 + ROUND_41
    + ROUND_42 + ROUND_43 + ROUND_44 + ROUND_45 + ROUND_46 + ROUND_47 + ROUND_48 + ROUND_49
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "finding", "expected"), ALL_CASES, ids=[_case_id(c) for c in ALL_CASES]
)
def test_failure_class(text: str, finding: str, expected: bool | None) -> None:
    found = extract(text)
    detail = [(m.finding, m.text, m.counts_as, m.cue) for m in found.mentions]
    assert found.findings[finding] is expected, detail


def test_every_mention_says_its_sentence_and_cue() -> None:
    text = "HPI: Denies fever. Possible saddle numbness.\nFAMILY HISTORY: Mother had lung cancer."
    found = extract(text)
    by_finding = {m.finding: m for m in found.mentions}
    fever = by_finding["fever"]
    assert fever.sentence == "Denies fever." and fever.cue == "Denies" and fever.counts_as is False
    saddle = by_finding["saddle_anesthesia"]
    assert saddle.sentence == "Possible saddle numbness." and saddle.cue == "Possible"
    assert saddle.counts_as is None and saddle.uncertain
    cancer = by_finding["history_of_cancer"]
    assert cancer.counts_as is None and cancer.experiencer == "other"
    assert cancer.cue in {"FAMILY HISTORY:", "Mother"}


def test_a_place_does_not_drop_another_cue() -> None:
    # "Bowel" (a place, SITE_BOWEL) beside "Bowel:" and ": no" made medspaCy's pair-by-pair
    # pruning keep "Bowel:" and drop ": no": the denial was lost and the incontinence read
    # present.
    found = extract("Bowel: no incontinence.")
    assert found.findings["bladder_dysfunction"] is not True, found.mentions
    assert any(m.negated for m in found.mentions if m.text == "incontinence")
    # ... nor does the header "Bowel:" (a pseudo cue on the same word) drop the place: the
    # denial is the bowels'
    assert found.findings["bowel_dysfunction"] is False, found.mentions
